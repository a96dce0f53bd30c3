"""HTTP conventions every client expects: ETag and If-Match, Location, operation ids."""
