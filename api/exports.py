"""The roster as CSV (one row per seat) and a meeting's printable sign-in sheet: the same for
the CLI, the HTTP API (bearer token) and the page (sign-in cookie); each answer is recorded in the
disclosure log before it is given."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date
from typing import Any, TextIO

from fastapi import Request, Response
from fastapi.responses import HTMLResponse

from api.conventions.media import CSV
from api.conventions.preconditions import etag
from api.privacy.access import Audit
from api.spreadsheets.cells import BYTE_ORDER_MARK, write_table
from scheduler.roster_queries import patient_names, roster_document, sign_in_sheet
from scheduler.service import Stepdown
from scheduler.staff.meetings import MODALITY_WORDS

# Staff columns come last so that sheets reading the first seven by position keep working.
COLUMNS = [
    "date",
    "start",
    "end",
    "session_id",
    "track",
    "patient_id",
    "patient_name",
    "modality",
    "room",
    "facilitators",
]


def write_roster_csv(document: Mapping[str, Any], names: Mapping[str, str], out: TextIO) -> None:
    write_table(
        out,
        COLUMNS,
        (
            [
                session["date"],
                session["start"],
                session["end"],
                session["session_id"],
                session["track"],
                patient_id,
                names.get(patient_id, ""),
                MODALITY_WORDS.get(session.get("modality") or "", ""),
                session.get("room_id") or "",
                "; ".join(f["name"] for f in session.get("facilitators", [])),
            ]
            for session in document["sessions"]
            for patient_id in session["patient_ids"]
        ),
    )


def roster_csv_answer(stepdown: Stepdown, audit: Audit, program_id: str, week: str) -> Response:
    """The week's latest roster as a CSV download, named after its program, week and version."""
    document = roster_document(stepdown, program_id, week)
    disclose_roster(audit, document, "roster-csv")
    text = io.StringIO()
    write_roster_csv(document, patient_names(stepdown, program_id), text)
    filename = f"roster-{program_id}-{week}-v{document['version']}.csv"
    return Response(
        BYTE_ORDER_MARK + text.getvalue(),
        media_type=f"{CSV}; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "ETag": etag(document["version"]),
        },
    )


def sign_in_sheet_answer(
    request: Request,
    stepdown: Stepdown,
    audit: Audit,
    program_id: str,
    week: str,
    session_id: str,
    day: date,
) -> HTMLResponse:
    """The printable sign-in sheet of one meeting: everyone seated, a line each to sign."""
    sheet = sign_in_sheet(stepdown, program_id, session_id, day)
    audit.disclose(
        program_id,
        [patient_id for patient_id, _name in sheet.patients],
        what="sign-in-sheet",
        detail=f"{session_id} {day}",
    )
    templates = request.app.state.templates
    shown = {"sheet": sheet, "week": week, "modality_words": MODALITY_WORDS}
    return templates.TemplateResponse(request, "sign_in.html", shown)  # type: ignore[no-any-return]


def disclose_roster(audit: Audit, document: dict[str, Any], what: str) -> None:
    patient_ids = [p["patient_id"] for p in document["patients"]]
    detail = f"{document['week']} v{document['version']}"
    audit.disclose(document["program_id"], patient_ids, what=what, detail=detail)
