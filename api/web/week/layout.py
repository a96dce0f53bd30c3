"""What the week page shows for its filters: the days in full (each meeting with its seats) and
the others as counts, or one row per patient with a column per day.

A day in full at 400 patients holds about 250 seats; a form per seat to mark attendance would
make the page several hundred KB. So the forms sit beside the seats only while few seats are
shown (a small program, a filtered list, one meeting); otherwise each meeting links to itself
alone, where its forms are."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup, escape

from api.web.plain_words import day_text
from api.web.week.filters import WeekFilters, meeting_anchor
from scheduler.hygiene.text import shown
from scheduler.week_view import Day, Meeting, Seat, WeekView, natural
from scheduler.worklist.short_of_days import Requirement

# Seats shown at most with a mark form each (about 1.3 KB a seat): keeps a page under ~100 KB.
INLINE_FORMS_UP_TO = 60


@dataclass(frozen=True)
class ShownMeeting:
    meeting: Meeting
    day: Day
    seats: list[Seat]  # those the patient filters keep
    anchor: str
    alone: bool  # the page is filtered to this meeting

    @property
    def session_id(self) -> str:
        return self.meeting.session_id


@dataclass(frozen=True)
class ShownDay:
    day: Day
    meetings: list[ShownMeeting]


@dataclass(frozen=True)
class Slot:
    """A day's meetings of one time and name, counted together."""

    start: str
    name: str
    track: str
    groups: int
    seats: int
    capacity: int
    marked: int
    missed: int


@dataclass(frozen=True)
class DaySummary:
    day: Day
    slots: list[Slot]
    query: str  # the link to this day in full
    selected: bool

    @property
    def seats(self) -> int:
        return sum(slot.seats for slot in self.slots)

    @property
    def capacity(self) -> int:
        return sum(slot.capacity for slot in self.slots)


@dataclass(frozen=True)
class PatientRow:
    patient_id: str
    name: str
    requirement: Requirement | None
    flags: tuple[str, ...]
    cells: list[Markup]  # per column: the meetings' short labels, each with its mark


@dataclass
class WeekPage:
    filters: WeekFilters
    problems: list[str]
    tracks: list[str]
    overview: list[DaySummary]
    shown_days: list[ShownDay] = field(default_factory=list)
    forms_inline: bool = False  # mark and cancel forms beside each seat and meeting
    columns: list[Day] = field(default_factory=list)
    rows: list[PatientRow] = field(default_factory=list)
    caseload: int = 0
    # "Mon 30 Nov 18:00 Evening group 1" by (session id, ISO date), for pins and their forms.
    labels: dict[tuple[str, str], str] = field(default_factory=dict)
    # The patient a "Pin…" link chose for the pin form (id, name), or why the link was refused.
    pin_patient: tuple[str, str] | None = None
    pin_problem: str | None = None

    def label(self, session_id: str, day: str) -> str:
        return self.labels.get((session_id, day), f"{session_id} {day}")


def tracks_of(view: WeekView) -> list[str]:
    return sorted({m.track for day in view.days for m in day.meetings})


def meeting_labels(view: WeekView) -> dict[tuple[str, str], str]:
    """ "Mon 30 Nov 18:00 Evening group 1" by (session id, ISO date)."""
    return {
        (m.session_id, d.date.isoformat()): f"{day_text(d.date, view.today)} {m.label}"
        for d in view.days
        for m in d.meetings
    }


def week_page(
    view: WeekView, filters: WeekFilters, problems: list[str], pin: str | None = None
) -> WeekPage:
    """`pin`: the patient a "Pin…" link chose, to fill the pin form in with."""
    page = WeekPage(
        filters=filters,
        problems=problems,
        tracks=tracks_of(view),
        overview=[_summary(day, filters) for day in view.days],
        labels=meeting_labels(view),
    )
    if pin is not None:
        everyone = _everyone(view)
        if pin in everyone:
            page.pin_patient = (pin, everyone[pin])
        else:
            page.pin_problem = f"pin: {shown(pin)} is not a patient of this program this week"
    kept = _kept_patients(view, filters)
    if filters.view == "patients":
        page.columns = [d for d in view.days if d.meetings and not d.closed_because]
        page.rows = _rows(view, filters, kept, page.columns)
        page.caseload = len(_everyone(view))
        return page
    for day in view.days:
        if filters.day is not None and day.date != filters.day:
            continue
        meetings = [
            ShownMeeting(
                meeting,
                day,
                [s for s in meeting.seats if kept is None or s.patient_id in kept],
                meeting_anchor(meeting.session_id, day.date),
                filters.meeting == (meeting.session_id, day.date),
            )
            for meeting in day.meetings
            if _meeting_kept(meeting, day.date, filters)
        ]
        if kept is not None:
            meetings = [m for m in meetings if m.seats]
        page.shown_days.append(ShownDay(day, meetings))
    seats = sum(len(m.seats) for d in page.shown_days for m in d.meetings)
    page.forms_inline = filters.meeting is not None or seats <= INLINE_FORMS_UP_TO
    return page


def short_label(meeting: Meeting) -> str:
    """ "18:00 Evening 3": the start, the name's first word and the group's number."""
    text = f"{meeting.start} {meeting.name.split()[0] if meeting.name else ''}".rstrip()
    return text if meeting.number is None else f"{text} {meeting.number}"


def _cell_text(label: str, mark: str | None) -> Markup:
    """A grid cell's meeting (escaped here, not in the template: 2,000 cells a page)."""
    if mark is None:
        return escape(label)
    return Markup('{} <span class="mark {}">{}</span>').format(label, mark, mark)


def _meeting_kept(meeting: Meeting, day: date, filters: WeekFilters) -> bool:
    if filters.meeting is not None and filters.meeting != (meeting.session_id, day):
        return False
    return filters.track is None or meeting.track == filters.track


def _kept_patients(view: WeekView, filters: WeekFilters) -> set[str] | None:
    """The patients the short and flagged filters keep; None when neither is on."""
    if not filters.patients_only:
        return None
    kept = set(_everyone(view))
    if filters.short:
        kept &= {p for p, r in view.requirements.items() if r.unmet_reason}
    if filters.flagged:
        kept &= set(view.flags)
    return kept


def _everyone(view: WeekView) -> dict[str, str]:
    """The caseload and anyone seated this week (a patient since stepped down, say)."""
    names = dict(view.patients)
    for day in view.days:
        for meeting in day.meetings:
            for seat in meeting.seats:
                names.setdefault(seat.patient_id, seat.name)
    return names


def _summary(day: Day, filters: WeekFilters) -> DaySummary:
    slots: dict[tuple[str, str, str], list[Meeting]] = {}
    for meeting in day.meetings:
        if filters.track is None or meeting.track == filters.track:
            slots.setdefault((meeting.start, meeting.name, meeting.track), []).append(meeting)
    return DaySummary(
        day=day,
        slots=[
            Slot(
                start,
                name,
                track,
                len(group),
                sum(len(m.seats) for m in group),
                sum(m.capacity for m in group),
                sum(m.marked for m in group),
                sum(m.missed for m in group),
            )
            for (start, name, track), group in slots.items()
        ],
        query=filters.on_day(day.date),
        selected=filters.view == "sessions" and filters.day == day.date,
    )


def _rows(
    view: WeekView, filters: WeekFilters, kept: set[str] | None, columns: list[Day]
) -> list[PatientRow]:
    cells: dict[str, list[list[Markup]]] = {}
    in_filter: set[str] = set()
    for index, day in enumerate(columns):
        for meeting in day.meetings:
            for seat in meeting.seats:
                row = cells.setdefault(seat.patient_id, [[] for _ in columns])
                row[index].append(_cell_text(short_label(meeting), seat.mark))
                if (filters.track is None or meeting.track == filters.track) and (
                    filters.day is None or filters.day == day.date
                ):
                    in_filter.add(seat.patient_id)
    seated_filter = filters.track is not None or filters.day is not None
    rows = [
        PatientRow(
            patient_id,
            name,
            view.requirements.get(patient_id),
            view.flags.get(patient_id, ()),
            [Markup("; ").join(cell) for cell in cells.get(patient_id, [[] for _ in columns])],
        )
        for patient_id, name in _everyone(view).items()
        if (kept is None or patient_id in kept) and (not seated_filter or patient_id in in_filter)
    ]
    return sorted(rows, key=lambda row: natural(row.name))
