"""perimeter: the offline policy gate, the audit evidence pack and the live drift check."""
