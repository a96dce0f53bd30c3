"""The page's what-if forms as the changes the forecast tries: open a group, add referrals,
close a day. Each field is checked by the API's own request models, and a refusal names the
field as the form labels it, so the form comes back with the error beside that field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.datastructures import FormData

from api.planning.forecast_requests import AddSessionChange, ClosureChange
from api.planning.forecast_routes import change_of
from api.web.forecast.words import counted, group_text
from api.web.plain_words import day_text
from scheduler.hygiene.fields import IsoWeek
from scheduler.hygiene.text import shown
from scheduler.planning.forecast import AdmitPlanned
from scheduler.planning.forecast_input import PlannedAdmission
from solver.planning import Change

M = TypeVar("M", bound=BaseModel)
Kind = Literal["open_group", "add_referrals", "close_day"]
KINDS: tuple[Kind, ...] = ("open_group", "add_referrals", "close_day")
# Each form's fields and their labels on the page, in the order the form asks them.
FIELDS: dict[Kind, dict[str, str]] = {
    "open_group": {
        "weekday": "Day",
        "start": "Starts",
        "end": "Ends",
        "track": "Track",
        "capacity": "Seats",
    },
    "add_referrals": {
        "count": "How many",
        "start_week": "Starting",
        "planned_weeks": "Planned weeks",
        "initial_days_per_week": "Days a week at first",
    },
    "close_day": {"date": "Date", "reason": "Reason"},
}
# Referrals a what-if adds at once: enough for a month of intake, few enough to answer quickly.
MAX_REFERRALS = 50
WEEK: TypeAdapter[str] = TypeAdapter(IsoWeek)
# A scheduler refusal of a planned admission names its place in the request first
# ("changes[0].admissions[3].planned_weeks: ..."); the form has one place for each field.
ADMISSION_PATH = re.compile(r"^changes\[\d+\]\.admissions\[\d+\]\.")


class FieldRefusedError(Exception):
    """A what-if form field that cannot be tried, named as the form labels it."""

    def __init__(self, field: str, label: str, reason: str) -> None:
        super().__init__(f"{label}: {reason}")
        self.field = field


@dataclass(frozen=True)
class TriedChange:
    kind: Kind
    description: str  # "Open a Thu 18:00–21:00 evening group for 12"
    change: Change | AdmitPlanned


def form_kind(form: FormData) -> Kind:
    kind = form.get("kind")
    for known in KINDS:
        if kind == known:
            return known
    raise FieldRefusedError(
        "kind", "Change", f"{shown(str(kind))} is not a change this page can try"
    )


def form_values(form: FormData, kind: Kind) -> dict[str, str]:
    """What was typed in the form that was sent, to show it again as it was."""
    return {field: _text(form, field) for field in FIELDS[kind]}


def tried_change(kind: Kind, values: dict[str, str], today: date) -> TriedChange:
    if kind == "open_group":
        return _open_group(values)
    if kind == "add_referrals":
        return _add_referrals(values)
    return _close_day(values, today)


def refusal_of(kind: Kind, reason: str) -> FieldRefusedError:
    """A scheduler's refusal of a tried change, as the form field it is about."""
    reason = ADMISSION_PATH.sub("", reason)
    for field, label in FIELDS[kind].items():
        if reason.startswith(f"{field}: "):
            return FieldRefusedError(field, label, reason.removeprefix(f"{field}: "))
    field, label = next(iter(FIELDS[kind].items()))
    if kind == "close_day":
        reason = reason.split("closure: ", 1)[-1]
    return FieldRefusedError(field, label, reason)


def _open_group(values: dict[str, str]) -> TriedChange:
    document = {
        "kind": "add_session",
        "session_id": _new_session_id(values),
        **{field: values[field] for field in ("weekday", "start", "end", "track")},
        "capacity": _number(values, "open_group", "capacity"),
    }
    body = _checked(AddSessionChange, document, "open_group")
    if body.end <= body.start:
        raise FieldRefusedError("end", "Ends", f"{body.end:%H:%M} is not after {body.start:%H:%M}")
    start, end = f"{body.start:%H:%M}", f"{body.end:%H:%M}"
    group = group_text(body.weekday, start, end, body.track)
    return TriedChange(
        "open_group", f"Open {group} for {counted(body.capacity, 'seat')}", change_of(body)
    )


def _new_session_id(values: dict[str, str]) -> str:
    """An id for the group tried, from what was typed but always a valid id, so a bad day or
    time is refused as that field, not as an id the form never showed."""
    day = re.sub(r"[^a-z]", "", values["weekday"].lower())[:3] or "day"
    start = re.sub(r"[^0-9]", "", values["start"])[:4] or "0000"
    return f"whatif-{day}-{start}"


def _add_referrals(values: dict[str, str]) -> TriedChange:
    count = _number(values, "add_referrals", "count")
    if not isinstance(count, int) or not 1 <= count <= MAX_REFERRALS:
        raise FieldRefusedError(
            "count", "How many", f"{shown(values['count'])} is not 1–{MAX_REFERRALS}"
        )
    numbers = {
        field: _number(values, "add_referrals", field)
        for field in ("planned_weeks", "initial_days_per_week")
    }
    for field, number in numbers.items():
        if not isinstance(number, int):
            label = FIELDS["add_referrals"][field]
            raise FieldRefusedError(field, label, f"{shown(values[field])} is not a whole number")
    try:
        start_week = WEEK.validate_python(values["start_week"])
    except ValidationError:
        raise FieldRefusedError(
            "start_week", "Starting", f"{shown(values['start_week'])} is not a week of the forecast"
        ) from None
    admissions = tuple(
        PlannedAdmission(
            admission_id=f"whatif-referral-{n}",
            start_week=start_week,
            planned_weeks=int(numbers["planned_weeks"]),
            initial_days=int(numbers["initial_days_per_week"]),
        )
        for n in range(1, count + 1)
    )
    course = (
        f"{counted(int(numbers['planned_weeks']), 'week')}, "
        f"{numbers['initial_days_per_week']} days a week at first"
    )
    who = counted(count, "referral")
    return TriedChange("add_referrals", f"Add {who} ({course})", AdmitPlanned(admissions))


def _close_day(values: dict[str, str], today: date) -> TriedChange:
    body = _checked(ClosureChange, {"kind": "add_closure", **values}, "close_day")
    reason = f" ({body.reason})" if body.reason else ""
    return TriedChange(
        "close_day", f"Close on {day_text(body.date, today)}{reason}", change_of(body)
    )


def _checked(model: type[M], document: dict[str, Any], kind: Kind) -> M:
    """The API's request model checks the fields; its first complaint names the form's field."""
    try:
        return model.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "kind"
        label = FIELDS[kind].get(field, field)
        given = document.get(field, "")
        raise FieldRefusedError(field, label, f"{first['msg']} (got {shown(str(given))})") from None


def _number(values: dict[str, str], kind: Kind, field: str) -> int | str:
    """A whole number, or the text as typed (the model's check names it)."""
    text = values[field]
    if text.isdecimal() and len(text) < 4:
        return int(text)
    if not text:
        raise FieldRefusedError(field, FIELDS[kind][field], "a whole number is needed")
    return text


def _text(form: FormData, field: str) -> str:
    value = form.get(field)
    return value.strip() if isinstance(value, str) else ""
