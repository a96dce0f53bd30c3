"""`stepdown feed create|rotate|revoke` against a SQLite file and PostgreSQL."""

from __future__ import annotations

import pytest

from api.feeds.store import Feed, FeedKind, FeedStore
from events.persistence import Database
from scheduler.service import open_stepdown
from tests.api.test_cli import run
from tests.conftest import NOW, SCENARIOS

JANE = Feed("standard-101", FeedKind.PATIENT, "P0001")


@pytest.fixture
def imported(
    database: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Database:
    monkeypatch.setenv("STEPDOWN_DATABASE_URL", database.url)
    monkeypatch.setenv("STEPDOWN_ACTOR", "test-coordinator")
    monkeypatch.setenv("STEPDOWN_NOW", NOW.isoformat())
    monkeypatch.delenv("STEPDOWN_PUBLIC_URL", raising=False)
    assert run(monkeypatch, capsys, "import", str(SCENARIOS / "sample.json"))[0] == 0
    return database


def opens(database: Database, url: str) -> Feed | None:
    secret = url.rsplit("/feeds/", 1)[1].removesuffix(".ics")
    stepdown = open_stepdown(database)
    try:
        opened = FeedStore(stepdown).open(secret)
    finally:
        stepdown.close()
    return None if opened is None else opened.feed


def test_create_prints_a_url_once_that_opens_the_patients_feed(
    imported: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    feed_args = ("--program", "standard-101", "--patient", "P0001")
    base = ("--base-url", "https://stepdown.example.org/")
    code, out, err = run(monkeypatch, capsys, "feed", "create", *feed_args, *base)
    assert code == 0
    url = out.strip()
    assert url.startswith("https://stepdown.example.org/feeds/sdf_")
    assert url.endswith(".ics")
    assert "shown once" in err
    assert opens(imported, url) == JANE
    code, _, err = run(monkeypatch, capsys, "feed", "create", *feed_args)
    assert code == 1
    assert "already has a live feed URL" in err


def test_rotate_replaces_the_url_and_revoke_ends_it(
    imported: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    feed_args = ("--program", "standard-101", "--patient", "P0001")
    first = run(monkeypatch, capsys, "feed", "create", *feed_args)[1].strip()
    code, out, err = run(monkeypatch, capsys, "feed", "rotate", *feed_args)
    assert code == 0
    assert "previous URL no longer works" in err
    second = out.strip()
    assert second.startswith("/feeds/sdf_")  # no base URL set: the path to append to it
    assert (opens(imported, first), opens(imported, second)) == (None, JANE)
    code, out, _ = run(monkeypatch, capsys, "feed", "revoke", *feed_args)
    assert code == 0
    assert "revoked" in out
    assert opens(imported, second) is None


def test_a_feed_names_exactly_one_patient_or_session(
    imported: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    both = ("--program", "standard-101", "--patient", "P0001", "--session", "mon-day-1")
    code, _, err = run(monkeypatch, capsys, "feed", "create", *both)
    assert code == 2
    assert "exactly one of --patient, --session and --staff" in err
    code, _, err = run(
        monkeypatch, capsys, "feed", "create", "--program", "standard-101", "--session", "nope"
    )
    assert code == 1
    assert "session: 'nope'" in err


def test_a_staff_members_feed_is_made_and_ended_with_staff(
    imported: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(monkeypatch, capsys, "import", str(SCENARIOS / "staffed.json"))[0] == 0
    feed_args = ("--program", "staffed-201", "--staff", "s-eli")
    code, out, err = run(monkeypatch, capsys, "feed", "create", *feed_args)
    assert code == 0, err
    url = out.strip()
    assert opens(imported, url) == Feed("staffed-201", FeedKind.STAFF, "s-eli")
    code, out, _ = run(monkeypatch, capsys, "feed", "revoke", *feed_args)
    assert (code, out) == (0, "staff 's-eli' of staffed-201: feed URL revoked\n")
    assert opens(imported, url) is None
    code, _, err = run(
        monkeypatch, capsys, "feed", "create", "--program", "staffed-201", "--staff", "s-zed"
    )
    assert code == 1
    assert "staff: 's-zed' is not a staff member of program 'staffed-201'" in err
