"""The page's notices for a cancellation (who moved where, whom to call, an Undo button) and
for its undo (who is back), in plain words with the patients' names."""

from __future__ import annotations

from datetime import date

from api.web.notices import Notice
from api.web.plain_words import day_text, reason_text
from scheduler import queries
from scheduler.cancellations.outcome import CancellationOutcome
from scheduler.cancellations.undo import UndoOutcome
from scheduler.roster_queries import patient_names
from scheduler.service import Stepdown


def cancellation_notice(
    stepdown: Stepdown,
    program_id: str,
    week: str,
    outcome: CancellationOutcome,
    *,
    can_undo: bool,
    filters: str = "",
) -> Notice:
    """`filters` are the week page's own ("?day=…" or ""): the Undo form returns to them."""
    words = _Words(stepdown, program_id)
    meeting = words.meeting(outcome.session_id, outcome.session_date)
    summary = (
        f"{meeting} cancelled: {len(outcome.moved)} moved to a make-up, "
        f"{len(outcome.to_call)} to call."
    )
    context = {
        "summary": summary,
        "moved": [
            f"{words.name(o.patient_id)} → {words.meeting(o.session_id, o.session_date)}"
            for o in outcome.moved
            if o.session_id is not None and o.session_date is not None
        ],
        "to_call": [
            f"{words.name(o.patient_id)}: no make-up ({words.reason(o.reason or '')})"
            for o in outcome.to_call
        ],
        "waiting": len(outcome.waiting),
        "undo": can_undo,
        "action": f"/ui/programs/{program_id}/weeks/{week}/cancellations/undo{filters}",
        "session_id": outcome.session_id,
        "session_date": outcome.session_date.isoformat(),
        "meeting": meeting,
    }
    return Notice(summary, template="cancellation", context=context)


def undo_notice(stepdown: Stepdown, program_id: str, outcome: UndoOutcome) -> Notice:
    words = _Words(stepdown, program_id)
    meeting = words.meeting(outcome.session_id, outcome.session_date)
    summary = f"{meeting} will be held after all: {len(outcome.returned)} patients in it."
    lines = []
    if outcome.facilitators:
        lines.append(f"Led by {', '.join(outcome.facilitators)}, as before.")
    lines += [
        f"Make-up withdrawn: {words.name(a.patient_id)} from "
        f"{words.meeting(a.session_id, a.session_date)}"
        for a in outcome.make_ups_withdrawn
    ]
    lines += [f"Not put back: {words.name(n.patient_id)}: {n.reason}" for n in outcome.not_returned]
    if outcome.note:
        lines.append(outcome.note)
    return Notice(summary, template="lines", context={"summary": summary, "lines": lines})


class _Words:
    """Names and meetings as the coordinator knows them."""

    def __init__(self, stepdown: Stepdown, program_id: str) -> None:
        self.names = patient_names(stepdown, program_id)
        self.sessions = {s["id"]: s for s in queries.program_sessions(stepdown, program_id)}
        self.today = stepdown.today(queries.program_timezone(stepdown, program_id))

    def name(self, patient_id: str) -> str:
        return self.names.get(patient_id, patient_id)

    def meeting(self, session_id: str, day: date) -> str:
        session = self.sessions.get(session_id)
        if session is None:
            return f"{session_id} on {day_text(day, self.today)}"
        return f"{session['name']} {day_text(day, self.today)} {session['start']}"

    def reason(self, reason: str) -> str:
        return reason_text(reason, self.sessions)
