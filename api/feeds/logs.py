"""Feed secrets kept out of logs: the access log writes every path, and a feed's path is its key."""

from __future__ import annotations

import logging
import re

FEED_PATH = re.compile(r"/feeds/[^/?#\s\"]+")
REDACTED = "/feeds/[secret]"
# uvicorn's and the API's access lines and the API's own error lines (which name the failing path).
LOGGERS_NAMING_PATHS = ("uvicorn.access", "uvicorn.error", "stepdown.api", "stepdown.access")


class FeedSecretsRedacted(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = FEED_PATH.sub(REDACTED, record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                FEED_PATH.sub(REDACTED, arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


def redact_feed_secrets() -> None:
    """Install the filter once per process on each logger that writes request paths."""
    for name in LOGGERS_NAMING_PATHS:
        logger = logging.getLogger(name)
        if not any(isinstance(each, FeedSecretsRedacted) for each in logger.filters):
            logger.addFilter(FeedSecretsRedacted())
