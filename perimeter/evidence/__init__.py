"""`perimeter evidence`: the auditor's pack, built from the same Report as `perimeter preview`."""
