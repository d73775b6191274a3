"""Terminal user interface for redline (Textual widgets and screens)."""
