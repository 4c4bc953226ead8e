"""The directory of associations (foreninger)."""
