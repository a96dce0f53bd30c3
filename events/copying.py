"""Copying an aggregate for the repository's cache without a full `copy.deepcopy`.

Aggregate state here is containers (dict, list, set) of immutable values: strings, numbers,
dates, enums, tuples and frozen dataclasses. Copying the containers is therefore a complete copy,
at a fraction of deepcopy's cost (which rebuilds every frozen value too).
"""

from __future__ import annotations

import copy
from typing import Any


def _fresh(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _fresh(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_fresh(item) for item in value]
    if isinstance(value, set):
        return set(value)
    return value


class CopiesContainers:
    """Mixin: `copy.deepcopy(aggregate)` copies its containers and shares its immutable values."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        clone = copy.copy(self)
        clone.__dict__.update({name: _fresh(value) for name, value in self.__dict__.items()})
        return clone
