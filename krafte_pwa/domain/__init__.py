"""Pure rules: exact quantities and units, FEFO picking, lot-code patterns."""
