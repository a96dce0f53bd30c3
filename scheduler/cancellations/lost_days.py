"""Days patients lost to a cancelled meeting with no make-up: they belong on the short list."""

from __future__ import annotations

from scheduler.projections.store import ViewCursor


def days_lost_to_cancellations(
    cursor: ViewCursor, program_id: str, week: str
) -> dict[str, list[tuple[str, str, str]]]:
    """Per patient, the (session, date, why no make-up) of each cancelled meeting of the week
    they were seated in and could not be moved from (an undone cancellation is not one)."""
    rows = cursor.query(
        "SELECT u.patient_id, u.missed_session_id, u.missed_date, u.reason "
        "FROM view_compliance_unmade u JOIN view_directory_cancellations c "
        "ON c.program_id = u.program_id AND c.session_id = u.missed_session_id "
        "AND c.session_date = u.missed_date "
        "WHERE u.program_id = ? AND u.week = ? "
        "ORDER BY u.patient_id, u.missed_date, u.missed_session_id",
        (program_id, week),
    )
    lost: dict[str, list[tuple[str, str, str]]] = {}
    for row in rows:
        lost.setdefault(str(row["patient_id"]), []).append(
            (str(row["missed_session_id"]), str(row["missed_date"]), str(row["reason"]))
        )
    return lost
