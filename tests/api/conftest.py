"""An API client on a real app (real store, real solver) with one token per role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import Role, Scope, TokenStore
from api.guards.csrf import FIELD, token_for_session
from api.settings import Settings
from api.web.session import COOKIE
from scheduler.service import Stepdown

PROGRAM = "standard-101"
WEEK = "2026-W49"  # the week after the fixed clock's


@dataclass
class Api:
    app: FastAPI
    client: TestClient
    tokens: dict[str, str]

    def call(self, role: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if role:
            headers["Authorization"] = f"Bearer {self.tokens[role]}"
        response: httpx.Response = self.client.request(method, path, headers=headers, **kwargs)
        return response

    def get(self, path: str, role: str = "viewer", **kwargs: Any) -> httpx.Response:
        return self.call(role, "GET", path, **kwargs)

    def post(self, path: str, role: str = "coordinator", **kwargs: Any) -> httpx.Response:
        return self.call(role, "POST", path, **kwargs)


def api_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "solver_workers": 1,
        "solver_deterministic": True,
        "roster_time_limit_s": 60,
        **overrides,
    }
    return Settings(**values)


def make_api(stepdown: Stepdown, settings: Settings) -> Iterator[Api]:
    app = create_app(settings, stepdown)
    store = TokenStore(stepdown)
    tokens = {
        role.value: store.create(f"{role.value}-1", role, Scope.organisation_wide())
        for role in Role
    }
    with TestClient(app) as client:
        yield Api(app, client, tokens)


@pytest.fixture
def api(stepdown: Stepdown) -> Iterator[Api]:
    yield from make_api(stepdown, api_settings())


@pytest.fixture
def program(api: Api, sample_text: str) -> Api:
    """The sample program imported through the API."""
    response = api.post("/programs", content=sample_text, headers=_json())
    assert response.status_code == 200, response.text
    return api


def sign_in(api: Api, role: str) -> None:
    """Sign in to the page with the role's token, as the form does: the client keeps the cookie."""
    response = api.client.post(
        "/ui/sign-in", data={"token": api.tokens[role]}, follow_redirects=False
    )
    assert response.status_code == 303, response.text


def csrf_form(api: Api, **fields: str) -> dict[str, str]:
    """A page form's fields with the CSRF token the page puts in every form of this session."""
    return {**fields, FIELD: token_for_session(api.client.cookies[COOKIE])}


def generate_on_page(api: Api, page: str) -> str:
    """The page's generate form posted, its job run to the end, and the page it then shows (as
    the status panel's "Check again" link does)."""
    posted = api.client.post(f"{page}/generate", data=csrf_form(api), follow_redirects=False)
    assert posted.status_code == 303, posted.text
    api.app.state.jobs.drain()
    shown = api.client.get(posted.headers["location"])
    assert shown.status_code == 200, shown.text
    text: str = shown.text
    return text


def _json() -> dict[str, str]:
    return {"Content-Type": "application/json"}
