"""The staff week page."""
