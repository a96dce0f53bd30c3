"""`ETag` is the roster's version; `If-Match` makes a change conditional on it (RFC 9110 §13.1.1).

A client that read version 3 and sends `If-Match: "3"` publishes, pins or regenerates only while
3 is still the latest; otherwise 412 names the current version. Without the header the change
is unconditional, as before.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Header

from api.errors import Problem


def etag(version: int) -> str:
    return f'"{version}"'


def expected_versions(if_match: str | None) -> frozenset[int] | None:
    """The versions an `If-Match` accepts; None for no header or `*` (any). A tag that is not a
    version matches nothing, so it is answered 412 like a stale one."""
    if if_match is None or if_match.strip() == "*":
        return None
    versions = set()
    for tag in if_match.split(","):
        value = tag.strip().removeprefix("W/").strip('"')
        if value.isdigit() and len(value) <= 9:
            versions.add(int(value))
    return frozenset(versions)


IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description='The roster version you reviewed, as its ETag (`"3"`): 412 if it is no '
        "longer the latest",
    ),
]

PRECONDITION_FAILED: dict[int | str, dict[str, object]] = {
    412: {"model": Problem, "description": "If-Match names a version that is no longer current"}
}
