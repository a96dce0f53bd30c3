"""Where in a JSON document a lone surrogate hides (JSON escapes one as `\\ud800`; the strict
reader refuses the whole document without naming the field)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from scheduler.hygiene.text import shown, text_problem


def lone_surrogates(text: str | bytes) -> Iterator[str]:
    """`path: problem (got value)` for each string of the document holding a lone surrogate;
    nothing when the document is not JSON for another reason."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return
    yield from _walk(document, "")


def _walk(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if _has_surrogate(key):
                yield f"{shown(where)}: {text_problem(key)} (a field name)"
                continue
            yield from _walk(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")
    elif isinstance(value, str) and _has_surrogate(value):
        yield f"{path or 'file'}: {text_problem(value)} (got {shown(value)})"


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)
