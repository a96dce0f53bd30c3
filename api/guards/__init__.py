"""Guards in front of the routes: body size, credentials before the body, headers, CSRF, retries."""
