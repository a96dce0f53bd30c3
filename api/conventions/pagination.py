"""Cursor pagination for list routes: `?limit=N` answers the first N in a stable order and a
`Link: <...?cursor=...>; rel="next"` header while more remain. The cursor is opaque (the last
key shown, base64url-encoded), so a page never repeats or skips a row when rows are added
before it. Without `limit` or `cursor` the whole list is answered, as before.

A list that is a log (history, disclosures, consents) only grows at its end: `page_in_order`
keys each row by its position, so a paged answer lists rows in the same order as the whole one."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from fastapi import Query, Request, Response

from events.errors import InvalidRequestError

Item = TypeVar("Item")

Limit = Annotated[
    int | None, Query(ge=1, le=1000, description="At most this many; `Link` rel=next for more")
]
Cursor = Annotated[
    str | None,
    Query(max_length=400, description='The cursor of the previous answer\'s `Link: rel="next"`'),
]

PAGED: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The list, or one page of it",
        "headers": {
            "Link": {
                "description": 'With `limit`, while more remain: `<path?...&cursor=...>; rel="next"`',
                "schema": {"type": "string"},
            }
        },
    }
}


def page(
    items: Sequence[Item],
    key: Callable[[Item], str],
    *,
    limit: int | None,
    cursor: str | None,
    request: Request,
    response: Response,
) -> list[Item]:
    if limit is None and cursor is None:
        return list(items)
    ordered = sorted(items, key=key)
    if cursor is not None:
        after = _decoded(cursor)
        ordered = [item for item in ordered if key(item) > after]
    shown = ordered if limit is None else ordered[:limit]
    if limit is not None and len(ordered) > limit:
        following = request.url.include_query_params(cursor=_encoded(key(shown[-1])))
        response.headers["Link"] = f'<{following.path}?{following.query}>; rel="next"'
    return shown


def _encoded(last_key: str) -> str:
    return base64.urlsafe_b64encode(last_key.encode("utf-8")).decode("ascii").rstrip("=")


def _decoded(cursor: str) -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        last_key = base64.b64decode(padded, altchars=b"-_", validate=True).decode("utf-8")
        if not last_key or _encoded(last_key) != cursor:
            raise ValueError(cursor)
        return last_key
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidRequestError(
            f"cursor: {cursor[:40]!r} is not a cursor this service gave"
        ) from None


def page_in_order(
    items: Sequence[Item],
    *,
    limit: int | None,
    cursor: str | None,
    request: Request,
    response: Response,
) -> list[Item]:
    """`page` for a list that only grows at its end, in the order given."""
    # Zero-padded, so the positions sort as strings in the order they count.
    numbered = [(f"{position:09d}", item) for position, item in enumerate(items)]
    shown = page(
        numbered,
        lambda row: row[0],
        limit=limit,
        cursor=cursor,
        request=request,
        response=response,
    )
    return [item for _, item in shown]
