"""Program use cases one record at a time: sessions and closures (import does them in bulk)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from events.errors import ConflictError, InvalidRequestError
from events.program import Program
from scheduler.file_checks import session_problems
from scheduler.hygiene.ids import case_variant_message, case_variant_of
from scheduler.program_file import SessionIn, session_of
from scheduler.retry import retrying
from scheduler.service import Stepdown


def add_session(stepdown: Stepdown, program_id: str, session: SessionIn, *, actor: str) -> None:
    """A new recurring weekly group; an id used before (even retired) is a conflict."""
    _require_consistent(session)

    def change(program: Program, today: date) -> None:
        recorded = case_variant_of(session.id, [*program.sessions, *program.retired_sessions])
        if recorded is not None:
            raise ConflictError(case_variant_message("id", session.id, recorded, "session"))
        program.add_session(session_of(session), recorded_by=actor, effective_on=today)

    _change(stepdown, program_id, change, f"add session {session.id}")


def change_session(stepdown: Stepdown, program_id: str, session: SessionIn, *, actor: str) -> bool:
    """New times, size or track for a session; returns False when nothing differs."""
    _require_consistent(session)
    changed = False

    def change(program: Program, today: date) -> None:
        nonlocal changed
        spec = session_of(session)
        changed = program.session(session.id) != spec
        if changed:
            program.change_session(spec, recorded_by=actor, effective_on=today)

    _change(stepdown, program_id, change, f"change session {session.id}")
    return changed


def retire_session(stepdown: Stepdown, program_id: str, session_id: str, *, actor: str) -> None:
    """The group stops meeting; rosters generated from now on leave it out."""

    def change(program: Program, today: date) -> None:
        program.retire_session(session_id, recorded_by=actor, effective_on=today)

    _change(stepdown, program_id, change, f"retire session {session_id}")


def add_closure(
    stepdown: Stepdown, program_id: str, closed_on: date, reason: str, *, actor: str
) -> bool:
    """A day the whole program is closed (staff training, weather); False when already closed."""
    added = False

    def change(program: Program, today: date) -> None:
        nonlocal added
        added = closed_on not in program.closures
        program.add_closure(closed_on, reason, recorded_by=actor)

    _change(stepdown, program_id, change, f"add closure {closed_on}")
    return added


def _require_consistent(session: SessionIn) -> None:
    problems = list(session_problems("session", session))
    if problems:
        raise InvalidRequestError("; ".join(problems))


def _change(
    stepdown: Stepdown, program_id: str, change: Callable[[Program, date], None], what: str
) -> None:
    def use_case() -> None:
        program = stepdown.app.get_program(program_id)
        change(program, stepdown.today(program.timezone))
        stepdown.app.save(program)

    retrying(use_case, what=what)


def ask_for_nightly_drafts(
    stepdown: Stepdown, program_id: str, enabled: bool, *, actor: str
) -> bool:
    """The program asks (or stops asking) for next week's draft every night; False when it
    already did (or did not)."""

    def use_case() -> bool:
        program = stepdown.app.get_program(program_id)
        changed = program.ask_for_nightly_drafts(enabled, recorded_by=actor)
        if changed:
            stepdown.app.save(program)
        return changed

    return retrying(use_case, what=f"program {program_id} nightly drafts")
