"""Printouts and exports opened from the page with its sign-in (the API's need a bearer token)."""
