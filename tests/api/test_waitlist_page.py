"""The waitlist and referral pages: refer, when can they start, admit and withdraw from the page;
a refused form says why and records nothing. The fixed clock's today is Wed 25 Nov 2026."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.api.conftest import PROGRAM, Api, csrf_form, sign_in

WAITLIST = f"/ui/programs/{PROGRAM}/waitlist"
REFERRAL = f"/ui/programs/{PROGRAM}/referrals/R0001"
REFERRALS_API = f"/programs/{PROGRAM}/referrals"
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI")


@pytest.fixture
def coordinator(program: Api) -> Api:
    sign_in(program, "coordinator")
    return program


def notice(answer: httpx.Response) -> str:
    found = re.search(r'class="notice[^"]*" role="status">([^<]*)<', answer.text)
    assert found, answer.text
    return found.group(1)


def refer(program: Api, **fields: str | list[str]) -> httpx.Response:
    form: dict[str, str | list[str]] = {
        "name": "Robin Lee",
        "id": "R0001",
        "planned_weeks": "8",
        "initial_days_per_week": "3",
        "earliest_start": "2026-11-30",
        "priority": "2",
        **fields,
    }
    answer: httpx.Response = program.client.post(WAITLIST, data=csrf_form(program, **form))  # type: ignore[arg-type]
    return answer


def statuses(program: Api) -> dict[str, str]:
    listed = program.get(f"{REFERRALS_API}?status=all").json()
    return {row["referral_id"]: row["status"] for row in listed}


def test_a_referral_added_on_the_page_is_listed_and_answers_when_they_can_start(
    coordinator: Api,
) -> None:
    assert "No referrals waiting." in coordinator.client.get(WAITLIST).text
    answer = refer(coordinator)
    assert answer.status_code == 200, answer.text
    assert str(answer.url).startswith(f"http://testserver{REFERRAL}?notice=")
    assert notice(answer) == "Robin Lee referred (R0001); see below when they can start."
    assert "When can they start?" in answer.text
    assert re.search(r'id="start-answer"><strong>Mon 30 Nov</strong>', answer.text)
    assert 'value="2026-11-30"' in answer.text  # the admit form defaults to that day
    listed = coordinator.client.get(WAITLIST).text
    assert f'href="{REFERRAL}">Robin Lee</a>' in listed
    assert "under a day" in listed
    assert "Wed 25 Nov" in listed


def test_the_waitlist_is_most_urgent_first_and_filters_by_status(coordinator: Api) -> None:
    refer(coordinator, id="R0001", name="Later One", priority="3")
    refer(coordinator, id="R0002", name="Urgent One", priority="1")
    refer(coordinator, id="R0003", name="Gone One", priority="2")
    coordinator.client.post(
        f"/ui/programs/{PROGRAM}/referrals/R0003/withdraw",
        data=csrf_form(coordinator, reason="moved away"),
    )
    waiting = coordinator.client.get(WAITLIST).text
    assert waiting.index("Urgent One") < waiting.index("Later One")
    assert "Gone One" not in waiting
    assert "1 (most urgent)" in waiting
    withdrawn = coordinator.client.get(f"{WAITLIST}?status=withdrawn").text
    assert "Gone One" in withdrawn
    assert "Later One" not in withdrawn
    assert "Withdrawn Wed 25 Nov" in withdrawn
    everyone = coordinator.client.get(f"{WAITLIST}?status=all").text
    assert all(name in everyone for name in ("Later One", "Urgent One", "Gone One"))
    assert 'aria-current="page">All<' in everyone


def test_admit_from_the_referral_page(coordinator: Api) -> None:
    refer(coordinator)
    admitted = coordinator.client.post(
        f"{REFERRAL}/admit", data=csrf_form(coordinator, start_date="2026-11-30")
    )
    assert notice(admitted) == "Admitted: they start on Mon 30 Nov as patient R0001."
    assert "Admitted, starts Mon 30 Nov" in admitted.text
    assert statuses(coordinator) == {"R0001": "admitted"}
    assert coordinator.get(f"/programs/{PROGRAM}/patients/R0001").json()["start_date"] == (
        "2026-11-30"
    )
    # Each read of the referral's page is in the person's list of disclosures.
    shown = coordinator.get(f"/programs/{PROGRAM}/patients/R0001/disclosures", "coordinator").json()
    assert any(d["what"] == "referral-record" and d["channel"] == "page" for d in shown)


def test_a_refused_admission_says_why_and_changes_nothing(coordinator: Api) -> None:
    refer(coordinator)
    refused = coordinator.client.post(
        f"{REFERRAL}/admit", data=csrf_form(coordinator, start_date="2026-11-27")
    )
    assert 'class="notice error"' in refused.text
    assert "Not done: start_date: 2026-11-27 is before the referral&#39;s earliest start" in (
        refused.text
    )
    not_a_date = coordinator.client.post(
        f"{REFERRAL}/admit", data=csrf_form(coordinator, start_date="soon")
    )
    assert notice(not_a_date) == "Not done: start_date: &#39;soon&#39; is not a date (YYYY-MM-DD)"
    assert statuses(coordinator) == {"R0001": "waiting"}
    assert coordinator.get(f"/programs/{PROGRAM}/patients/R0001").status_code == 404


def test_withdraw_needs_a_reason_and_keeps_it(coordinator: Api) -> None:
    refer(coordinator)
    empty = coordinator.client.post(f"{REFERRAL}/withdraw", data=csrf_form(coordinator, reason=" "))
    assert notice(empty) == "Not done: reason: a withdrawal needs a reason"
    control = coordinator.client.post(
        f"{REFERRAL}/withdraw", data=csrf_form(coordinator, reason="bad\x00")
    )
    assert str(control.url).startswith(f"http://testserver{REFERRAL}?notice=")
    assert notice(control).startswith("Not done: reason: a control character (U+0000)")
    assert statuses(coordinator) == {"R0001": "waiting"}
    done = coordinator.client.post(
        f"{REFERRAL}/withdraw", data=csrf_form(coordinator, reason="chose another program")
    )
    assert notice(done) == "Withdrawn from the waitlist."
    assert "Withdrawn on Wed 25 Nov" in done.text
    assert "chose another program" in done.text
    assert 'id="admit"' not in done.text
    assert statuses(coordinator) == {"R0001": "withdrawn"}


def test_a_refused_referral_comes_back_as_typed_and_records_nothing(coordinator: Api) -> None:
    answer = refer(
        coordinator,
        name="Sam Typed",
        planned_weeks="eight",
        commitment_1_kind="work",
        commitment_1_days=["MON", "TUE"],
        commitment_1_start="09:00",
    )
    assert answer.status_code == 422
    assert notice(answer) == (
        "Not done: referral.planned_weeks: Input should be a valid integer (got &#39;eight&#39;)"
    )
    assert 'value="Sam Typed"' in answer.text
    assert 'value="eight"' in answer.text
    assert 'name="commitment_1_days" value="TUE" checked' in answer.text
    half = refer(coordinator, commitment_1_days=["MON"], commitment_1_start="09:00")
    assert "Not done: referral.commitments.0.end" in notice(half)
    assert statuses(coordinator) == {}


def test_commitments_from_the_form_shape_the_answer(coordinator: Api) -> None:
    # The parent: childcare before and after school leaves only Saturday in the sample.
    answer = refer(
        coordinator,
        commitment_1_kind="childcare",
        commitment_1_days=list(WEEKDAYS),
        commitment_1_start="07:00",
        commitment_1_end="09:00",
        commitment_2_kind="childcare",
        commitment_2_days=list(WEEKDAYS),
        commitment_2_start="15:00",
        commitment_2_end="19:00",
    )
    assert "Childcare Mon–Fri 07:00–09:00; Childcare Mon–Fri 15:00–19:00" in answer.text
    assert "<strong>No start fits</strong> from Mon 30 Nov to Wed 17 Feb 2027." in answer.text
    assert "(childcare Mon–Fri 07:00–09:00; childcare Mon–Fri 15:00–19:00)" in answer.text
    assert "on 1 day(s) (Sat); the course needs 3" in answer.text


def test_a_viewer_reads_but_is_refused_and_nothing_is_recorded(program: Api) -> None:
    sign_in(program, "coordinator")
    refer(program)
    sign_in(program, "viewer")
    page = program.client.get(REFERRAL).text
    assert "When can they start?" in page
    assert 'id="admit"' not in page
    assert "Add a referral" not in program.client.get(WAITLIST).text
    refused = refer(program, id="R0002")
    assert refused.status_code == 403
    assert notice(refused) == "Your role (viewer) may not do this."
    admit = program.client.post(
        f"{REFERRAL}/admit", data=csrf_form(program, start_date="2026-11-30")
    )
    assert notice(admit) == "Your role (viewer) may not do this."
    assert statuses(program) == {"R0001": "waiting"}


def test_an_unknown_referral_is_not_found(coordinator: Api) -> None:
    answer = coordinator.client.get(f"/ui/programs/{PROGRAM}/referrals/R9999")
    assert answer.status_code == 404


def test_a_referral_form_posted_twice_is_applied_once(coordinator: Api) -> None:
    first = refer(coordinator, idempotency_key="form-key-1")
    again = refer(coordinator, idempotency_key="form-key-1")
    assert "Robin Lee referred (R0001)" in notice(first)
    assert again.history[0].headers["idempotent-replayed"] == "true"
    assert "already referred" not in again.text
    assert statuses(coordinator) == {"R0001": "waiting"}


def test_more_commitments_open_when_a_refused_form_had_them(coordinator: Api) -> None:
    assert '<details class="wide more"><summary>' in coordinator.client.get(WAITLIST).text
    answer = refer(coordinator, commitment_2_days=["SAT"], commitment_2_start="09:00")
    assert "Not done: referral.commitments.0.end" in notice(answer)
    assert '<details class="wide more" open>' in answer.text
