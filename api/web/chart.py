"""Geometry of the taper chart (an inline SVG): program weeks across, days per week up."""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.taper_course import CourseWeek

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 240, 36, 28, 24
SIGNAL_LABELS = {"hold": "H", "step_down": "R", "step_early": "E"}


@dataclass(frozen=True)
class Column:
    label: str
    x: float
    width: float
    planned_y: float
    attended_y: float
    attended_height: float
    current: bool
    markers: str  # H hold, R ready to step down, E early step
    title: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    baseline: float
    gridlines: tuple[tuple[float, int], ...]  # (y, days)
    columns: tuple[Column, ...]
    planned_path: str


def taper_chart(weeks: tuple[CourseWeek, ...], current_week: int) -> Chart:
    top_days = max([5, *(w.planned_days for w in weeks), *(w.attended_days for w in weeks)])
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT - 8) / max(1, len(weeks))

    def y(days: float) -> float:
        return HEIGHT - BOTTOM - plot_height * days / top_days

    columns = []
    path = []
    for index, week in enumerate(weeks):
        x = LEFT + index * slot
        markers = "".join(SIGNAL_LABELS.get(s, "") for s in week.signals)
        columns.append(
            Column(
                label=str(week.program_week),
                x=x + slot * 0.2,
                width=slot * 0.6,
                planned_y=y(week.planned_days),
                attended_y=y(week.attended_days),
                attended_height=y(0) - y(week.attended_days),
                current=week.program_week == current_week,
                markers=markers,
                title=(
                    f"Week {week.program_week} ({week.week}): planned {week.planned_days} days, "
                    f"attended {week.attended_days}"
                ),
            )
        )
        path.append(f"{'M' if index == 0 else 'L'}{x:.1f},{y(week.planned_days):.1f}")
        path.append(f"L{x + slot:.1f},{y(week.planned_days):.1f}")
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        baseline=y(0),
        gridlines=tuple((y(d), d) for d in range(top_days + 1)),
        columns=tuple(columns),
        planned_path=" ".join(path),
    )
