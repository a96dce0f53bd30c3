"""Programs: import, export, and their sessions, closures and cancelled meetings."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, Response, status

from api.conventions.pagination import PAGED, Cursor, Limit, page
from api.conventions.schemas import self_contained
from api.dependencies import Coordinator, Reader, ServiceDep, SettingsDep, require_program
from api.errors import ERROR_RESPONSES
from api.privacy.access import AuditDep
from api.routes.params import ProgramId, SessionId, settle
from api.schemas.attendance import MakeUpPublic, make_up_public
from api.schemas.cancellations import CancellationUndo, UndonePublic, undone_public
from api.schemas.common import as_file_model
from api.schemas.programs import (
    CancellationCreate,
    Changed,
    ClosureCreate,
    ImportReportPublic,
    NightlyDraftsChange,
    ProgramPublic,
    SessionChange,
    SessionCreate,
    SessionPublic,
)
from scheduler import programs, queries
from scheduler.cancellations import undo
from scheduler.importing import import_program
from scheduler.makeups import cancel_session, cancellation_outcomes
from scheduler.program_file import ProgramFile, SessionIn

router = APIRouter(prefix="/programs", tags=["programs"], responses=ERROR_RESPONSES)

ProgramDocument = Annotated[
    dict[str, Any],
    Body(description="A `stepdown/program@1` or `@2` document (the import file format)"),
]


@router.get("", responses=PAGED)
def list_programs(
    who: Reader,
    stepdown: ServiceDep,
    request: Request,
    response: Response,
    limit: Limit = None,
    cursor: Cursor = None,
) -> list[ProgramPublic]:
    """The programs in this Stepdown that the token may act on."""
    allowed = [p for p in queries.programs(stepdown) if who.scope.allows(str(p["program_id"]))]
    shown = page(
        allowed,
        lambda p: str(p["program_id"]),
        limit=limit,
        cursor=cursor,
        request=request,
        response=response,
    )
    return [ProgramPublic(**p) for p in shown]


PROGRAM_FILE_SCHEMA = self_contained(ProgramFile)


@router.post(
    "",
    status_code=status.HTTP_200_OK,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": PROGRAM_FILE_SCHEMA}},
        }
    },
)
def import_program_document(
    document: ProgramDocument, who: Coordinator, stepdown: ServiceDep, settings: SettingsDep
) -> ImportReportPublic:
    """Import a program file: a bad file changes nothing; the same facts again record nothing;
    a change that is not allowed is listed in `refused` and the rest applied."""
    program = document.get("program")
    if isinstance(program, dict) and isinstance(program.get("id"), str):
        require_program(who, program["id"])
    report = import_program(stepdown, json.dumps(document), actor=who.subject)
    settle(stepdown, settings, answer_from=("directory",))
    return ImportReportPublic(
        **{**vars(report), "refused": list(report.refused), "staffing": asdict(report.staffing)}
    )


@router.get(
    "/{program_id}",
    responses={
        200: {
            "description": "The program file, as the import takes it",
            "content": {"application/json": {"schema": PROGRAM_FILE_SCHEMA}},
        }
    },
)
def export_program(
    program_id: ProgramId, _: Reader, audit: AuditDep, stepdown: ServiceDep
) -> dict[str, Any]:
    """The program and its current caseload as a `stepdown/program@1` document (`@2` with staff)."""
    document = queries.export_program(stepdown, program_id)
    audit.disclose(program_id, [p["id"] for p in document["patients"]], what="program-export")
    return document


@router.get("/{program_id}/sessions", responses=PAGED)
def list_sessions(
    program_id: ProgramId,
    _: Reader,
    stepdown: ServiceDep,
    request: Request,
    response: Response,
    limit: Limit = None,
    cursor: Cursor = None,
) -> list[SessionPublic]:
    """The program's active recurring sessions (by session id when paged)."""
    sessions = [SessionPublic(**s) for s in queries.program_sessions(stepdown, program_id)]
    return page(
        sessions,
        lambda session: session.id,
        limit=limit,
        cursor=cursor,
        request=request,
        response=response,
    )


@router.post("/{program_id}/sessions", status_code=status.HTTP_201_CREATED)
def add_session(
    program_id: ProgramId,
    session: SessionCreate,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
    response: Response,
) -> SessionPublic:
    """Add a recurring weekly session (group); `Location` is the session."""
    programs.add_session(stepdown, program_id, as_file_model(session, SessionIn), actor=who.subject)
    settle(stepdown, settings, answer_from=("directory",))
    response.headers["Location"] = f"/programs/{program_id}/sessions/{session.id}"
    return _session(stepdown, program_id, session.id)


@router.put("/{program_id}/sessions/{session_id}")
def change_session(
    program_id: ProgramId,
    session_id: SessionId,
    session: SessionChange,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> SessionPublic:
    """Change a session's name, day, times, size or track (from the next roster on)."""
    spec = as_file_model(SessionCreate(id=session_id, **session.model_dump()), SessionIn)
    programs.change_session(stepdown, program_id, spec, actor=who.subject)
    settle(stepdown, settings, answer_from=("directory",))
    return _session(stepdown, program_id, session_id)


@router.delete("/{program_id}/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
def retire_session(
    program_id: ProgramId,
    session_id: SessionId,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> Response:
    """Retire a session: rosters generated from now on leave it out."""
    programs.retire_session(stepdown, program_id, session_id, actor=who.subject)
    settle(stepdown, settings, answer_from=("directory",))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{program_id}/closures")
def add_closure(
    program_id: ProgramId,
    closure: ClosureCreate,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> Changed:
    """Close the whole program on a date (no session meets; nobody is scheduled)."""
    added = programs.add_closure(
        stepdown, program_id, closure.date, closure.reason, actor=who.subject
    )
    settle(stepdown, settings, answer_from=("directory",))
    return Changed(changed=added)


@router.put("/{program_id}/nightly-drafts")
def set_nightly_drafts(
    program_id: ProgramId, change: NightlyDraftsChange, who: Coordinator, stepdown: ServiceDep
) -> Changed:
    """Ask (or stop asking) for next week's draft every night: a periodic roster job (see the
    README's Jobs section). `changed` is false when the program already asked (or did not)."""
    changed = programs.ask_for_nightly_drafts(
        stepdown, program_id, change.enabled, actor=who.subject
    )
    return Changed(changed=changed)


@router.post("/{program_id}/sessions/{session_id}/cancellations")
def cancel_meeting(
    program_id: ProgramId,
    session_id: SessionId,
    cancellation: CancellationCreate,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> list[MakeUpPublic]:
    """Call off one meeting of a session; each seated patient is moved to a make-up. One entry
    per patient: where they were moved, or (`session_id` null) why there is no make-up: the
    patients the coordinator must call."""
    cancel_session(
        stepdown,
        program_id,
        session_id,
        cancellation.date,
        reason=cancellation.reason,
        actor=who.subject,
    )
    settle(stepdown, settings, answer_from=("directory",))
    return [
        make_up_public(outcome)
        for outcome in cancellation_outcomes(stepdown, program_id, session_id, cancellation.date)
    ]


@router.post("/{program_id}/sessions/{session_id}/cancellations/undo")
def undo_cancellation(
    program_id: ProgramId,
    session_id: SessionId,
    body: CancellationUndo,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> UndonePublic:
    """Hold a cancelled meeting after all (only before it starts): the make-ups its cancellation
    booked are withdrawn and its patients return to it, capacity permitting."""
    outcome = undo.undo_cancellation(stepdown, program_id, session_id, body.date, actor=who.subject)
    settle(stepdown, settings, answer_from=("directory", "roster"))
    return undone_public(outcome)


def _session(stepdown: ServiceDep, program_id: str, session_id: str) -> SessionPublic:
    sessions = queries.program_sessions(stepdown, program_id)
    return next(SessionPublic(**s) for s in sessions if s["id"] == session_id)
