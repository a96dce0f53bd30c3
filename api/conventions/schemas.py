"""A model's JSON Schema with its `$defs` written in place, for bodies a route parses itself
(the import file is checked by the import, which names the record path of each problem) but
whose shape the OpenAPI document must still describe."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


def self_contained(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def resolved(node: Any) -> Any:
        if isinstance(node, dict):
            reference = node.get("$ref")
            if isinstance(reference, str) and reference.startswith("#/$defs/"):
                return resolved(definitions[reference.removeprefix("#/$defs/")])
            return {key: resolved(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolved(item) for item in node]
        return node

    return dict(resolved(schema))
