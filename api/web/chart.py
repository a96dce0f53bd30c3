"""Geometry of the taper chart (an inline SVG): program weeks across, days per week up.

Across, every position is a percentage of the chart's width, so the chart fills a phone's
screen without scaling its text: a viewBox scaled to 390 px would draw 12 px labels at 7 px.
Up, positions are pixels of a fixed height. Only the planned line, a path, is drawn in a
stretched inner picture (`WIDTH` design units across) with a stroke that does not stretch.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.taper_course import CourseWeek

WIDTH, HEIGHT, LEFT, RIGHT, BOTTOM, TOP = 640, 240, 36, 8, 28, 24
LABEL_GAP = 10  # between the day labels and the plot
CURRENT_PAD = 3  # the current week's frame stands this far out from its bar
SIGNAL_LABELS = {"hold": "H", "step_down": "R", "step_early": "E"}


def percent(design_x: float) -> float:
    """A position across, in design units, as a percentage of the chart's width."""
    return round(100 * design_x / WIDTH, 3)


@dataclass(frozen=True)
class Column:
    label: str
    x: float  # percent
    width: float  # percent
    centre: float  # percent
    frame_x: float  # percent: the current week's frame
    frame_width: float  # percent
    planned_y: float
    attended_y: float
    attended_height: float
    current: bool
    markers: str  # H hold, R ready to step down, E early step
    title: str


@dataclass(frozen=True)
class Chart:
    width: int  # design units across, for the planned line's picture
    height: int  # pixels
    baseline: float
    plot_left: float  # percent
    plot_right: float  # percent
    label_x: float  # percent: where the day labels end
    gridlines: tuple[tuple[float, int], ...]  # (y, days)
    columns: tuple[Column, ...]
    planned_path: str  # in design units


def taper_chart(weeks: tuple[CourseWeek, ...], current_week: int) -> Chart:
    top_days = max([5, *(w.planned_days for w in weeks), *(w.attended_days for w in weeks)])
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(weeks))

    def y(days: float) -> float:
        return HEIGHT - BOTTOM - plot_height * days / top_days

    columns = []
    path = []
    for index, week in enumerate(weeks):
        x = LEFT + index * slot
        bar_x, bar_width = x + slot * 0.2, slot * 0.6
        markers = "".join(SIGNAL_LABELS.get(s, "") for s in week.signals)
        columns.append(
            Column(
                label=str(week.program_week),
                x=percent(bar_x),
                width=percent(bar_width),
                centre=percent(bar_x + bar_width / 2),
                frame_x=percent(bar_x - CURRENT_PAD),
                frame_width=percent(bar_width + 2 * CURRENT_PAD),
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
        plot_left=percent(LEFT),
        plot_right=percent(WIDTH - RIGHT),
        label_x=percent(LEFT - LABEL_GAP),
        gridlines=tuple((y(d), d) for d in range(top_days + 1)),
        columns=tuple(columns),
        planned_path=" ".join(path),
    )
