"""Cursor pagination on every list route (issue 14): `?limit=N` pages through the whole list by
`Link: rel="next"`, never repeating or skipping a row, in the order the route documents; the
OpenAPI document gives every list route `limit`, `cursor` and the `Link` header."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.api.conftest import PROGRAM, WEEK, Api
from tests.api.test_consents_api import CONSENT
from tests.api.test_http_conventions import published_week  # noqa: F401 (a fixture)
from tests.api.test_referrals_api import new_referral

Row = dict[str, Any]
PATIENT = f"/programs/{PROGRAM}/patients/P0001"
ROSTER = f"/programs/{PROGRAM}/rosters/{WEEK}"
REFERRALS = f"/programs/{PROGRAM}/referrals"


def test_every_list_route_takes_limit_and_cursor(api: Api) -> None:
    document = api.client.get("/openapi.json").json()
    lists = [
        f"{method.upper()} {path}"
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if method == "get"
        and operation["responses"]["200"]
        .get("content", {})
        .get("application/json", {})
        .get("schema", {})
        .get("type")
        == "array"
    ]
    assert len(lists) == 16, lists  # attendance changes joined the lists
    for path, methods in document["paths"].items():
        operation = methods.get("get")
        if operation is None or f"GET {path}" not in lists:
            continue
        names = {parameter["name"] for parameter in operation.get("parameters", [])}
        assert {"limit", "cursor"} <= names, path
        assert "Link" in operation["responses"]["200"]["headers"], path


@pytest.fixture
def busy(published_week: Api) -> Api:  # noqa: F811 (the fixture imported above)
    """Every list has rows: two versions of next week's roster with two pins, two consents,
    a change of commitments (history), reads of the patient's records (disclosures) and three
    referrals, two of one priority (the waitlist)."""
    api = published_week
    assert api.post(f"{ROSTER}/generate", json={}).status_code == 201
    roster = api.get(ROSTER).json()
    seats = [(s, p) for s in roster["sessions"] for p in s["patient_ids"]]
    for session, patient_id in seats[:2]:
        seat = {"patient_id": patient_id, "session_id": session["session_id"]}
        pinned = api.post(f"{ROSTER}/pins", json={**seat, "date": session["date"]})
        assert pinned.status_code == 200, pinned.text
    assert api.post(f"{ROSTER}/generate", json={}).status_code == 201
    for recipient in ("Harbor Sober Living", "County Court"):
        given = api.post(f"{PATIENT}/consents", json={**CONSENT, "recipient": recipient})
        assert given.status_code == 201, given.text
    commitment = {"kind": "school", "days": ["SAT"], "start": "08:00", "end": "12:00"}
    changed = api.call(
        "coordinator", "PUT", f"{PATIENT}/commitments", json={"commitments": [commitment]}
    )
    assert changed.status_code == 200, changed.text
    for _ in range(2):
        assert api.get(f"{PATIENT}/history").status_code == 200
    for referral_id, priority in (("R0002", 3), ("R0001", 3), ("R0003", 1)):
        referred = api.post(REFERRALS, json=new_referral(referral_id, priority=priority))
        assert referred.status_code == 201, referred.text
    return api


def _same_order(rows: list[Row]) -> list[Row]:
    return rows


def _sorted_by(*fields: str) -> Callable[[list[Row]], list[Row]]:
    return lambda rows: sorted(rows, key=lambda row: tuple(str(row[f]) for f in fields))


LISTS = {
    f"/programs/{PROGRAM}/sessions": _sorted_by("id"),
    f"{PATIENT}/schedule": _sorted_by("date", "start", "session_id"),
    f"{PATIENT}/history": _same_order,
    f"{PATIENT}/consents": _same_order,
    f"{PATIENT}/disclosures": _same_order,
    f"/programs/{PROGRAM}/flags?include_closed=true": _sorted_by("raised_on", "patient_id", "flag"),
    f"{ROSTER}/versions": _same_order,
    f"{ROSTER}/pins": _sorted_by("date", "patient_id", "session_id"),
    REFERRALS: _same_order,
}


def test_each_list_pages_without_repeats_or_gaps(busy: Api) -> None:
    for path, order in LISTS.items():
        whole = busy.get(path, role="coordinator").json()
        if "flags" not in path:  # the scenario raises no flag this early; the rest have rows
            assert len(whole) >= 2, (path, whole)
        assert _walked(busy, path) == order(whole), path


def _walked(api: Api, path: str) -> list[Row]:
    """Every row, a page of one at a time, following `Link: rel="next"`."""
    seen: list[Row] = []
    following: str | None = f"{path}{'&' if '?' in path else '?'}limit=1"
    while following is not None:
        answer = api.get(following, role="coordinator")
        assert answer.status_code == 200, answer.text
        assert len(answer.json()) <= 1
        seen += answer.json()
        link = answer.headers.get("Link")
        following = None if link is None else link.split(">")[0].removeprefix("<")
    return seen
