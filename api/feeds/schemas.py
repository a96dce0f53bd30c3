"""What the coordinator's feed routes answer."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.feeds.store import FeedKind


class FeedUrlPublic(BaseModel):
    """A feed's secret URL, shown this once: only its SHA-256 digest is stored."""

    program_id: str
    feed: FeedKind
    feed_of: str = Field(description="The patient, session or staff id the URL opens")
    url: str = Field(description="Subscribe to this in a phone calendar; no header needed")
    webcal_url: str = Field(description="The same URL with webcal:, which opens a subscribe dialog")
    created_at: str
    replaced: bool = Field(description="True after a rotation: the previous URL is dead")
