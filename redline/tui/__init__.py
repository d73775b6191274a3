"""The Textual UI. Only the CLI imports this package; the core never does."""
