"""The `Idempotency-Key` header every POST takes, written into the OpenAPI document: a middleware
honours it (api.guards.idempotency), so no route declares it, yet a generated client offers it
only if the document says so."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from api.guards.idempotency import MAX_KEY_LENGTH
from api.guards.idempotency_store import HEADER

PARAMETER: dict[str, Any] = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": "Send the same key with a retry: it is applied once and answered like the "
    "first (for 24 hours)",
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
}


def declare_idempotency_key(app: FastAPI) -> None:
    """Every POST in the app's OpenAPI document takes the header (the document is built once)."""
    build = app.openapi

    def document() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        for methods in schema["paths"].values():
            if "post" in methods:
                methods["post"].setdefault("parameters", []).append(PARAMETER)
        app.openapi_schema = schema
        return schema

    # FastAPI's documented way to extend the document is to replace this method.
    app.openapi = document  # type: ignore[method-assign]
