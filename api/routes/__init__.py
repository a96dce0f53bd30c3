"""One router per resource; each route parses, calls one use case and shapes the answer."""
