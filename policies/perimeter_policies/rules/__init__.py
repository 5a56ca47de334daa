"""One module per rule; each defines RULE. Modules starting with _ hold shared tables."""
