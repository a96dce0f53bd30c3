"""`Idempotency-Key`: a retried POST is applied once and answered like the first, on both
backends; another body under the same key is refused; racing retries still apply once."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from api.guards.csrf import FIELD, token_for_session
from api.guards.idempotency_store import Answered, Claimed, IdempotencyStore, Refused
from api.web.session import COOKIE
from events.persistence import Database, new_cipher_key, with_cipher
from scheduler.service import Stepdown, open_stepdown
from tests.api.conftest import PROGRAM, Api, sign_in
from tests.conftest import fixed_clock

ROSTERS = f"/programs/{PROGRAM}/rosters"
THIS_WEEK, MONDAY = "2026-W48", "2026-11-23"
ATTENDANCE = f"/programs/{PROGRAM}/attendance"


@pytest.fixture
def published(program: Api) -> Api:
    assert program.post(f"{ROSTERS}/{THIS_WEEK}/generate", json={}).status_code == 201
    assert program.post(f"{ROSTERS}/{THIS_WEEK}/publish").status_code == 200
    return program


def a_seat(api: Api) -> dict[str, Any]:
    roster = api.get(f"{ROSTERS}/{THIS_WEEK}").json()
    meeting = next(s for s in roster["sessions"] if s["date"] == MONDAY and s["patient_ids"])
    return {"patient_id": meeting["patient_ids"][0], "session_id": meeting["session_id"]}


def stored_topics(stepdown: Stepdown, ending: str) -> list[str]:
    """Raw stored events (the notification log), by topic."""
    notifications = stepdown.app.recorder.select_notifications(start=1, limit=1_000_000)
    return [n.topic for n in notifications if n.topic.endswith(ending)]


def record(api: Api, mark: dict[str, Any], key: str | None = None) -> httpx.Response:
    headers = {} if key is None else {"Idempotency-Key": key}
    return api.post(ATTENDANCE, role="clinician", json=mark, headers=headers)


def test_a_resubmitted_miss_is_applied_once_even_after_another_write(
    published: Api, stepdown: Stepdown
) -> None:
    seat = a_seat(published)
    miss = {**seat, "date": MONDAY, "status": "missed", "reason": "flu"}
    first = record(published, miss, key="miss-1")
    assert first.status_code == 200, first.text
    # Another write lands in between: the miss is corrected to attended.
    corrected = record(published, {**seat, "date": MONDAY, "status": "attended"})
    assert corrected.status_code == 200, corrected.text
    retried = record(published, miss, key="miss-1")
    assert (retried.status_code, retried.json()) == (200, first.json())
    assert retried.headers["Idempotent-Replayed"] == "true"
    assert len(stored_topics(stepdown, "SessionMissed")) == 1
    weeks = published.get(f"{ATTENDANCE}?patient_id={seat['patient_id']}").json()
    assert weeks[0]["misses"] == 0  # the correction stands


def test_the_same_key_with_another_body_is_refused_naming_the_header(
    published: Api, stepdown: Stepdown
) -> None:
    seat = a_seat(published)
    miss = {**seat, "date": MONDAY, "status": "missed", "reason": "flu"}
    assert record(published, miss, key="k-2").status_code == 200
    before = stepdown.app.recorder.max_notification_id()
    other = record(published, {**miss, "reason": "car broke down"}, key="k-2")
    assert other.status_code == 422
    assert other.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert "another request" in other.json()["detail"][0]["msg"]
    other_route = published.post(
        f"/programs/{PROGRAM}/closures",
        role="clinician",  # the same caller: keys are theirs
        json={"date": "2026-12-24", "reason": "x"},
        headers={"Idempotency-Key": "k-2"},
    )
    assert other_route.status_code == 422
    assert stepdown.app.recorder.max_notification_id() == before


def test_keys_belong_to_their_caller(published: Api, stepdown: Stepdown) -> None:
    seat = a_seat(published)
    miss = {**seat, "date": MONDAY, "status": "missed", "reason": "flu"}
    assert record(published, miss, key="shared").status_code == 200
    # Another caller's request under the same key is theirs, not a replay of the first.
    response = published.post(ATTENDANCE, json=miss, headers={"Idempotency-Key": "shared"})
    assert response.status_code == 200
    assert "Idempotent-Replayed" not in response.headers
    assert response.json()["recorded"] is False  # the use case saw the same miss


def test_a_malformed_key_is_refused(published: Api) -> None:
    seat = a_seat(published)
    miss = {**seat, "date": MONDAY, "status": "missed", "reason": "flu"}
    response = record(published, miss, key="x" * 256)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]


def test_racing_retries_apply_once(published: Api, stepdown: Stepdown) -> None:
    seat = a_seat(published)
    miss = {**seat, "date": MONDAY, "status": "missed", "reason": "flu"}
    start = threading.Barrier(4)
    answers: list[httpx.Response] = []

    def retry() -> None:
        start.wait()
        answers.append(record(published, miss, key="race"))

    threads = [threading.Thread(target=retry) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(stored_topics(stepdown, "SessionMissed")) == 1
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(200) >= 1
    assert set(statuses) <= {200, 409}  # 409: the first was still running
    applied = [a for a in answers if a.status_code == 200]
    assert all(a.json() == applied[0].json() for a in applied)


def test_a_page_form_posted_twice_is_applied_once(published: Api, stepdown: Stepdown) -> None:
    seat = a_seat(published)
    sign_in(published, "clinician")
    page = f"/ui/programs/{PROGRAM}/weeks/{THIS_WEEK}"
    assert 'name="idempotency_key"' in published.client.get(page).text
    form = {
        **seat,
        "session_date": MONDAY,
        "status": "missed",
        "reason": "flu",
        "idempotency_key": "form-1",
        FIELD: token_for_session(published.client.cookies[COOKIE]),
    }
    first = published.client.post(f"{page}/attendance", data=form, follow_redirects=False)
    corrected = record(published, {**seat, "date": MONDAY, "status": "attended"})
    again = published.client.post(f"{page}/attendance", data=form, follow_redirects=False)
    assert (first.status_code, corrected.status_code, again.status_code) == (303, 200, 303)
    assert again.headers["location"] == first.headers["location"]
    assert len(stored_topics(stepdown, "SessionMissed")) == 1


def test_a_key_is_claimed_once_and_expires(stepdown: Stepdown) -> None:
    now = [datetime(2026, 11, 25, tzinfo=UTC)]
    store = IdempotencyStore(stepdown.views, ttl=timedelta(hours=24), now=lambda: now[0])
    claimed = store.claim("caller", "k", "POST /x", "f1")
    assert isinstance(claimed, Claimed)
    assert store.claim("caller", "k", "POST /x", "f1") == Refused(
        409, "Idempotency-Key: 'k': the first request with this key is still running"
    )
    answer = Answered(201, [(b"content-type", b"application/json")], b'{"ok": true}')
    store.finish("caller", "k", claimed.claim, answer)
    assert store.claim("caller", "k", "POST /x", "f1") == answer
    with stepdown.views.transaction(commit=False) as cursor:
        rows = cursor.query("SELECT caller, status, expires_at FROM idempotent_requests")
    assert [(r["caller"], r["status"]) for r in rows] == [("caller", 201)]
    assert rows[0]["expires_at"].startswith("2026-11-26")
    now[0] += timedelta(hours=25)
    assert isinstance(store.claim("caller", "k", "POST /x", "f1"), Claimed)


def test_claims_racing_on_the_database_leave_one_winner(stepdown: Stepdown) -> None:
    store = IdempotencyStore(stepdown.views, ttl=timedelta(hours=24))
    start = threading.Barrier(6)
    outcomes: list[object] = []

    def claim() -> None:
        start.wait()
        outcomes.append(store.claim("caller", "same", "POST /x", "f"))

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(isinstance(o, Claimed) for o in outcomes) == 1
    assert sum(isinstance(o, Refused) and o.status == 409 for o in outcomes) == 5


def test_stored_answers_are_sealed_in_an_encrypted_store(database: Database) -> None:
    keyed = replace(database, env=with_cipher(database.env, new_cipher_key()))
    service = open_stepdown(keyed, clock=fixed_clock)
    try:
        store = IdempotencyStore(service.views, ttl=timedelta(hours=1))
        claimed = store.claim("caller", "k", "POST /x", "f")
        assert isinstance(claimed, Claimed)
        answer = Answered(200, [], b'{"name": "Jane Roe"}')
        store.finish("caller", "k", claimed.claim, answer)
        with service.views.transaction(commit=False) as cursor:
            raw = cursor.query("SELECT response FROM idempotent_requests")[0]["response"]
        assert raw.startswith("sealed:")
        assert "Jane" not in raw
        assert store.claim("caller", "k", "POST /x", "f") == answer
    finally:
        service.close()
