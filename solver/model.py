"""The CP-SAT model of a weekly roster: variables only for pairs the pair rules allow."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model_helper import Literal

from solver.availability import candidate_slots
from solver.problem import PatientWeek, RosterProblem
from solver.slots import Slot, group_slots

# A penalty term: a variable (or a negated literal) and its weight within its tier. Only these,
# never a general expression, so a tier's value can be read off any full assignment.
LinearTerm = tuple[Literal, int]


@dataclass
class RosterModel:
    problem: RosterProblem
    model: cp_model.CpModel
    slots: list[Slot]
    candidates: dict[str, list[Slot]]
    # attends[patient_id, slot index]: the patient is in one of the slot's rooms
    attends: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    open_rooms: dict[int, cp_model.IntVar] = field(default_factory=dict)
    days: dict[str, cp_model.IntVar] = field(default_factory=dict)
    minutes: dict[str, cp_model.LinearExpr | int] = field(default_factory=dict)
    # required[patient_id]: the week's target, less one where the taper step comes early
    required: dict[str, cp_model.LinearExpr | int] = field(default_factory=dict)
    steps_early: dict[str, cp_model.IntVar] = field(default_factory=dict)
    pinned_slots: dict[str, set[int]] = field(default_factory=dict)
    # The one track a patient kept to last week, where they kept to one.
    last_weeks_track: dict[str, str] = field(default_factory=dict)
    # Each patient's slots holding a session they had last week or a seat of the previous
    # version (soft_rules.familiar_slots), worked out once.
    familiar: dict[str, set[Slot]] | None = None
    by_slot: dict[int, list[cp_model.IntVar]] = field(default_factory=lambda: defaultdict(list))

    def patient_slots(self, patient_id: str) -> list[Slot]:
        return self.candidates[patient_id]

    def attendance_on(self, patient_id: str, day_index: int) -> list[cp_model.IntVar]:
        return [
            self.attends[patient_id, slot.index]
            for slot in self.candidates[patient_id]
            if slot.day_index == day_index
        ]

    def slot_attendees(self, slot: Slot) -> list[cp_model.IntVar]:
        return self.by_slot[slot.index]

    def most_days(self, patient: PatientWeek) -> int:
        """The ceiling on a patient's days (hard_rules.taper_target_is_a_ceiling): the week's
        target, or their pins where a coordinator pinned more."""
        return max(patient.required_days, len(self.pinned_slots.get(patient.patient_id, ())))

    def pinned_rooms(self) -> defaultdict[int, int]:
        """How many rooms of each slot the pins hold open: one per pinned session."""
        pinned: dict[int, set[str]] = defaultdict(set)
        for pin in self.problem.pins:
            for slot_index in self.pinned_slots.get(pin.patient_id, set()):
                slot = self.slots[slot_index]
                if slot.day == pin.day and pin.session_id in slot.session_ids:
                    pinned[slot_index].add(pin.session_id)
        return defaultdict(int, {index: len(sessions) for index, sessions in pinned.items()})


def build_variables(problem: RosterProblem) -> RosterModel:
    model = cp_model.CpModel()
    slots = group_slots(problem)
    candidates = candidate_slots(problem, slots)
    roster = RosterModel(problem, model, slots, candidates)
    _add_pinned_slots(roster)
    _add_last_weeks_tracks(roster)
    for patient in problem.patients:
        for slot in roster.candidates[patient.patient_id]:
            var = model.new_bool_var(f"attends[{patient.patient_id},{slot.label()}]")
            roster.attends[patient.patient_id, slot.index] = var
            roster.by_slot[slot.index].append(var)
        _add_patient_totals(roster, patient)
    for slot in slots:
        roster.open_rooms[slot.index] = model.new_int_var(
            0, len(slot.rooms), f"rooms[{slot.label()}]"
        )
    return roster


def _add_pinned_slots(roster: RosterModel) -> None:
    """A pin is kept only where every pair rule allows the seat: a pin never makes a slot fit
    (the service refuses such a pin, or drops it with the reason when a later change breaks it;
    solver/pins.py)."""
    by_session = {(room.session_id, slot.day): slot for slot in roster.slots for room in slot.rooms}
    for pin in roster.problem.pins:
        slot = by_session.get((pin.session_id, pin.day))
        if slot is None or slot not in roster.candidates.get(pin.patient_id, ()):
            continue
        roster.pinned_slots.setdefault(pin.patient_id, set()).add(slot.index)


def _add_last_weeks_tracks(roster: RosterModel) -> None:
    track_of = {session.session_id: session.track for session in roster.problem.sessions}
    for patient in roster.problem.patients:
        tracks = {track_of[s] for s in patient.previous_session_ids if s in track_of}
        if len(tracks) == 1:
            roster.last_weeks_track[patient.patient_id] = tracks.pop()


def may_step_early(patient: PatientWeek, candidates: list[Slot]) -> bool:
    """A taper step may come a week early only to free a seat for someone else: never to cover
    for a patient whose own hours leave too few days to meet their target (that shortfall is
    theirs to explain, not to hide behind a lower target)."""
    fitting_days = {slot.day_index for slot in candidates}
    return (
        patient.may_step_early
        and patient.required_days > 1
        and len(fitting_days) >= patient.required_days
    )


def _add_patient_totals(roster: RosterModel, patient: PatientWeek) -> None:
    model, pid = roster.model, patient.patient_id
    slots = roster.candidates[pid]
    attends = [roster.attends[pid, slot.index] for slot in slots]
    days = model.new_int_var(0, 7, f"days[{pid}]")
    model.add(days == sum(attends))
    roster.days[pid] = days
    roster.minutes[pid] = sum(slot.minutes * roster.attends[pid, slot.index] for slot in slots)
    if may_step_early(patient, slots):
        early = model.new_bool_var(f"steps_early[{pid}]")
        roster.steps_early[pid] = early
        roster.required[pid] = cp_model.LinearExpr.affine(early, -1, patient.required_days)
    else:
        roster.required[pid] = patient.required_days
