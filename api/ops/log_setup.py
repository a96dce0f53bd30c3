"""Logging configured once per process (CLI, server, each server worker, projection worker):
JSON lines for log shippers or readable text for a person, every line with its time, level,
logger, and the request id and acting subject when there is one.

structlog renders the stdlib's records (ours, uvicorn's, libraries'): the code logs through
`logging` as before, and nothing logs a name, a reason or a request body.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, WrappedLogger

from api.feeds.logs import redact_feed_secrets
from api.ops.request_context import current_context
from events.errors import InvalidRequestError

LOG_FORMAT_SETTING = "STEPDOWN_LOG_FORMAT"
LOG_LEVEL_SETTING = "STEPDOWN_LOG_LEVEL"
FORMATS = ("json", "text")


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time (test runners swap it per test)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _: Any) -> None:
        pass


class StepdownHandler(_CurrentStderr):
    """Marks the handler this module installed, so configuring twice replaces it."""


def chosen_format(stream: TextIO | None = None) -> str:
    """STEPDOWN_LOG_FORMAT, else text for a terminal and JSON for anything else (a service
    manager, a container, a pipe): a person at a terminal reads, a machine parses."""
    setting = (os.environ.get(LOG_FORMAT_SETTING) or "").strip().lower()
    if setting:
        if setting not in FORMATS:
            raise InvalidRequestError(
                f"{LOG_FORMAT_SETTING}: {setting!r} is neither 'json' nor 'text'"
            )
        return setting
    return "text" if (stream or sys.stderr).isatty() else "json"


def chosen_level() -> int:
    setting = (os.environ.get(LOG_LEVEL_SETTING) or "INFO").strip().upper()
    level = logging.getLevelNamesMapping().get(setting)
    if level is None:
        raise InvalidRequestError(
            f"{LOG_LEVEL_SETTING}: {setting!r} is not a level (DEBUG, INFO, WARNING, ERROR)"
        )
    return level


def add_request_context(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    context = current_context()
    if context.request_id is not None:
        event.setdefault("request_id", context.request_id)
    if context.subject is not None:
        event.setdefault("subject", context.subject)
    return event


def formatter(log_format: str) -> logging.Formatter:
    shared: list[Any] = [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        add_request_context,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )


def configure_logging() -> None:
    """Install the one stderr handler on the root logger (replacing an earlier one)."""
    log_format, level = chosen_format(), chosen_level()
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, StepdownHandler)]:
        root.removeHandler(handler)
    handler = StepdownHandler()
    handler.setFormatter(formatter(log_format))
    root.addHandler(handler)
    root.setLevel(level)
    # uvicorn's loggers reach the root handler instead of printing on their own; its access
    # line is replaced by ours (api/ops/request_context.py), which knows the request id and
    # the subject.
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    uvicorn_access = logging.getLogger("uvicorn.access")
    uvicorn_access.handlers.clear()
    uvicorn_access.propagate = False
    redact_feed_secrets()
