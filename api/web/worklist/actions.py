"""The worklist's forms: acknowledge an open flag with a note, then back to the flags on the
worklist of the week shown, with a notice saying what was recorded (post/redirect/get)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query
from fastapi.responses import RedirectResponse

from api.auth import Role
from api.dependencies import ServiceDep, SettingsDep
from api.guards.csrf import CsrfChecked
from api.routes.params import ProgramId, settle
from api.web.notices import NoticesDep, back_to
from api.web.session import PageReader
from api.web.worklist.words import FLAG_WORDS, worklist_place
from events.errors import StepdownError
from scheduler.flags.acknowledgement import acknowledge_flag
from scheduler.hygiene.fields import Identifier, IsoWeek, Note
from scheduler.roster_queries import patient_names

router = APIRouter(
    prefix="/ui/programs/{program_id}/worklist",
    include_in_schema=False,
    dependencies=[CsrfChecked],
)


@router.post("/flags/acknowledge")
def acknowledge(
    program_id: ProgramId,
    patient_id: Annotated[Identifier, Form()],
    flag: Annotated[Literal["outreach", "clinical_review"], Form()],
    who: PageReader,
    notices: NoticesDep,
    stepdown: ServiceDep,
    settings: SettingsDep,
    note: Annotated[Note, Form()] = "",
    week: Annotated[IsoWeek | None, Query()] = None,
) -> RedirectResponse:
    """Close the flag (clinicians and coordinators); an empty note is refused by the rule."""
    page, query, anchor = worklist_place(program_id, week)
    words = FLAG_WORDS[flag]
    if not who.role.allows(Role.CLINICIAN):
        text = f"Your role ({who.role.value}) may not acknowledge flags."
        return back_to(notices, who, page, text, "error", query=query, anchor=anchor)
    try:
        acknowledge_flag(stepdown, program_id, patient_id, flag, note=note, actor=who.subject)
    except StepdownError as error:
        return back_to(
            notices, who, page, f"Not done: {error}", "error", query=query, anchor=anchor
        )
    settle(stepdown, settings, answer_from=("attendance",))
    name = patient_names(stepdown, program_id).get(patient_id, patient_id)
    text = f"{words} for {name} acknowledged; it is shown on their page with your note."
    return back_to(notices, who, page, text, query=query, anchor=anchor)
