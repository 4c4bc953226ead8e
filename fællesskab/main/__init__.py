"""The front page and the static information pages."""
