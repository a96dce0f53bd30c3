"""The taper chart's geometry: across in percentages of any width, up in pixels."""

from __future__ import annotations

from itertools import pairwise

from api.web.chart import HEIGHT, taper_chart
from scheduler.taper_course import CourseWeek


def course(planned: list[int], attended: list[int]) -> tuple[CourseWeek, ...]:
    return tuple(
        CourseWeek(
            program_week=index + 1,
            week=f"2026-W{45 + index}",
            planned_days=days,
            attended_days=came,
            missed=days - came,
            signals=("hold",) if index == 1 else (),
            billable_days=came,
            meets_weekly_floor=None,
        )
        for index, (days, came) in enumerate(zip(planned, attended, strict=True))
    )


def test_bars_sit_side_by_side_inside_the_plot_in_percent_of_the_width() -> None:
    chart = taper_chart(course([5, 5, 4, 4, 3, 3, 3, 3, 3, 3, 3, 3], [5, 4, 4] + [0] * 9), 3)
    assert 0 < chart.label_x < chart.plot_left < chart.plot_right <= 100
    edges = [(c.x, c.x + c.width) for c in chart.columns]
    assert edges[0][0] > chart.plot_left
    assert edges[-1][1] < chart.plot_right
    assert all(right < next_left for (_, right), (next_left, _) in pairwise(edges))
    assert all(c.x < c.centre < c.x + c.width for c in chart.columns)


def test_the_current_week_is_framed_and_a_hold_is_marked() -> None:
    chart = taper_chart(course([5, 5, 4], [5, 3, 0]), 2)
    assert [c.current for c in chart.columns] == [False, True, False]
    framed = chart.columns[1]
    assert framed.frame_x < framed.x
    assert framed.frame_x + framed.frame_width > framed.x + framed.width
    assert [c.markers for c in chart.columns] == ["", "H", ""]


def test_heights_are_pixels_of_a_fixed_height_and_days_go_up() -> None:
    chart = taper_chart(course([5, 4], [5, 2]), 1)
    assert chart.height == HEIGHT
    full, part = chart.columns
    assert full.attended_height > part.attended_height > 0
    assert full.attended_y + full.attended_height == chart.baseline
    assert [days for _, days in chart.gridlines] == [0, 1, 2, 3, 4, 5]


def test_the_planned_line_steps_down_in_design_units() -> None:
    chart = taper_chart(course([5, 4], [0, 0]), 1)
    heights = {float(point.split(",")[1]) for point in chart.planned_path[1:].split(" L")}
    assert len(heights) == 2  # one level for five days, one for four
    assert chart.planned_path.startswith("M36.0,")
