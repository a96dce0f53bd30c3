"""A reason for a shortfall names what a coordinator can change: seats, rooms, hours, dates."""

from dataclasses import replace
from datetime import timedelta

from solver import Busy, ClosedDay, PatientWeek, RosterProblem, SessionOccurrence, UnmetReason
from solver.availability import candidate_slots
from solver.explain import unmet_reason
from solver.slots import Slot, group_slots
from tests.unit.solver.builders import DAY, MONDAY, patient, session, works

THURSDAY = MONDAY + timedelta(days=3)
EVENINGS = tuple(session(f"eve-{d}", d) for d in range(5))
WEEKEND_ROOMS = tuple(
    session(f"sat-{room}", 5, 9, capacity=12, min_size=4, track="weekend") for room in range(7)
)


def _half_past(occurrence: SessionOccurrence) -> SessionOccurrence:
    return replace(occurrence, start_minute=occurrence.start_minute + 30)


SATURDAY_MORNING = tuple(_half_past(room) for room in WEEKEND_ROOMS)


def explain(
    problem: RosterProblem,
    scheduled: set[int],
    *,
    sizes: dict[str, int] | None = None,
    rooms: dict[str, int] | None = None,
    stepped_early: bool = False,
    scheduled_minutes: int | None = None,
) -> UnmetReason:
    """The reason for the only patient, with slot sizes and rooms used keyed by a room's id."""
    [who] = problem.patients
    slots = group_slots(problem)
    return unmet_reason(
        problem,
        who,
        slots,
        candidate_slots(problem, slots)[who.patient_id],
        scheduled,
        who.required_days,
        _by_slot(slots, sizes or {}),
        _by_slot(slots, rooms or {}),
        stepped_early=stepped_early,
        scheduled_minutes=scheduled_minutes,
    )


def _by_slot(slots: list[Slot], by_room: dict[str, int]) -> dict[int, int]:
    return {slot.index: by_room[r] for slot in slots for r in slot.session_ids if r in by_room}


def week(
    sessions: tuple[SessionOccurrence, ...], who: PatientWeek, **more: object
) -> RosterProblem:
    return replace(RosterProblem(MONDAY, sessions, (who,)), **more)  # type: ignore[arg-type]


def test_a_group_too_small_to_run_is_not_called_full() -> None:
    problem = week((EVENINGS[0], *SATURDAY_MORNING), patient("P1", 2))
    reason = explain(problem, {0}, sizes={"eve-0": 10}, rooms={"eve-0": 1})
    assert reason == UnmetReason(
        "capacity",
        "needs 2 days; the sessions that fit their hours: "
        "Sat 09:30 weekend does not run (fewer than 4 patients fit)",
    )


def test_full_open_rooms_with_a_room_left_closed_say_what_another_room_needs() -> None:
    four_rooms = tuple(session(f"mon-{r}", 0, capacity=12, min_size=4) for r in "abcd")
    problem = week((*four_rooms, EVENINGS[2]), patient("P1", 2))
    reason = explain(problem, {2}, sizes={"mon-a": 36, "eve-2": 5}, rooms={"mon-a": 3, "eve-2": 1})
    assert reason.text == (
        "needs 2 days; the sessions that fit their hours are full: "
        "Mon 18:00 evening full (36/36 in 3 of 4 rooms; a 4th room needs 4 patients)"
    )


def test_parallel_rooms_are_one_slot_without_their_ids() -> None:
    problem = week((EVENINGS[0], *SATURDAY_MORNING), patient("P1", 2))
    reason = explain(problem, {0}, sizes={"sat-0": 84, "eve-0": 3}, rooms={"sat-0": 7, "eve-0": 1})
    assert reason.text.endswith("Sat 09:30 weekend full (84/84, 7 rooms)")
    assert "sat-" not in reason.text


def test_only_closures_on_days_that_would_fit_are_named() -> None:
    evenings_mon_to_wed = works(range(3), 17, 22)
    who = patient("P1", 3, busy=evenings_mon_to_wed, hours_text="work MON–WED 17:00–22:00")
    closed = (
        ClosedDay(MONDAY, "staff training"),  # they work that evening anyway
        ClosedDay(THURSDAY, "Thanksgiving Day"),
        ClosedDay(MONDAY + timedelta(days=6), "no sessions on Sunday anyway"),
    )
    reason = explain(week(EVENINGS, who, closed_days=closed), {4})
    assert reason == UnmetReason(
        "availability",
        "needs 3 days; work MON–WED 17:00–22:00; "
        "sessions that fit exist on only 1 day(s): Fri 18:00 evening; "
        "closed Thu 3 Dec (Thanksgiving Day)",
    )


def test_a_partial_week_names_the_enrolment_dates() -> None:
    who = patient("P1", 4, available_from=MONDAY + timedelta(days=2))
    reason = explain(week(EVENINGS, who), {2, 3, 4})
    assert reason.kind == "availability"
    assert "enrolled from Wed 2 Dec" in reason.text
    assert "only 3 day(s)" in reason.text


def test_sessions_within_travel_time_of_work_name_the_travel_time() -> None:
    day_shift_ending_at_a_quarter_to_six = (Busy(12 * 60, 17 * 60 + 45, "work"),)
    overlapping_shift = (Busy(DAY + 17 * 60, DAY + 23 * 60, "work"),)
    who = patient("P1", 2, busy=day_shift_ending_at_a_quarter_to_six + overlapping_shift)
    reason = explain(week(EVENINGS[:2], who), set())
    assert reason.text == (
        "needs 2 days; no session fits their hours; "
        "Mon 18:00 evening is within their 30 travel minutes of work"
    )


def test_a_patient_short_for_both_reasons_gets_both() -> None:
    who = patient("P1", 3, busy=works(range(1, 5, 2), 17, 22))  # Tue and Thu evenings
    problem = week(EVENINGS[:3], who)  # Mon, Tue, Wed
    reason = explain(problem, {0}, sizes={"eve-0": 4, "eve-2": 10}, rooms={"eve-0": 1, "eve-2": 1})
    assert reason.kind == "availability"
    assert "sessions that fit exist on only 2 day(s): Mon 18:00 evening, Wed 18:00 evening" in (
        reason.text
    )
    assert reason.text.endswith("are full: Wed 18:00 evening full (10/10)")


def test_enough_days_that_fit_make_it_capacity() -> None:
    problem = week(EVENINGS[:3], patient("P1", 3))
    sizes = {f"eve-{d}": 10 for d in range(3)}
    reason = explain(problem, {0, 1}, sizes=sizes, rooms=dict.fromkeys(sizes, 1))
    assert reason == UnmetReason(
        "capacity",
        "needs 3 days; the sessions that fit their hours are full: Wed 18:00 evening full (10/10)",
    )


def test_an_early_taper_step_says_what_keeps_them_at_their_days() -> None:
    problem = week(EVENINGS[:3], patient("P1", 3))
    sizes = {f"eve-{d}": 10 for d in range(3)}
    reason = explain(
        problem, {0, 1}, sizes=sizes, rooms=dict.fromkeys(sizes, 1), stepped_early=True
    )
    assert reason == UnmetReason(
        "capacity",
        "taper step taken a week early (next week's target, 2 days): "
        "the sessions that fit their hours are full: Wed 18:00 evening full (10/10); "
        "add seats or a room to keep them at 3 days",
    )


def test_a_session_past_the_weekly_hours_maximum_is_not_called_full() -> None:
    long_days = tuple(session(f"long-{d}", d, 9, hours=7, track="day") for d in range(3))
    problem = week(long_days, patient("P1", 3))
    sizes = {f"long-{d}": 2 for d in range(3)}
    reason = explain(
        problem, {0, 1}, sizes=sizes, rooms=dict.fromkeys(sizes, 1), scheduled_minutes=14 * 60
    )
    assert reason.text.endswith("Wed 09:00 day would take them past 19 hours a week")


def test_long_lists_are_capped_and_the_reason_stays_short() -> None:
    many = tuple(
        session(f"s-{d}-{h}", d, h, hours=1, capacity=12, min_size=4, track=f"t{h}")
        for d in range(7)
        for h in range(8, 20)
    )
    problem = week(many, patient("P1", 7, busy=works(range(6), 0, 24)))
    reason = explain(problem, set())
    assert reason.kind == "availability"
    assert "and 9 more" in reason.text
    assert len(reason.text) < 300
    assert "Sun 08:00 t8, Sun 09:00 t9, Sun 10:00 t10, and 9 more do not run" in reason.text
