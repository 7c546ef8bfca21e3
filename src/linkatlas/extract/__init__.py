"""Pure extraction: page bytes plus page URL in, records out. No I/O here."""
