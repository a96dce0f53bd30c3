"""Answers that are not JSON declare only their own media type, so a generated client reads
them as text (a client told "JSON too" tries to parse a CSV file and crashes).

Such routes take `response_class=Response`: it has no media type of its own, so FastAPI adds
none to the success answer, and the error answers (JSON) keep `application/json`.
"""

from __future__ import annotations

from typing import Any

CSV = "text/csv"
HTML = "text/html"
ICALENDAR = "text/calendar"
PROMETHEUS = "text/plain"


def only(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    """The `responses` entry of a route whose 200 is text of this media type, and only that."""
    return {
        200: {"content": {media_type: {"schema": {"type": "string"}}}, "description": description}
    }
