"""A line chart drawn on the server: coordinates for an inline SVG, no script, no library.

The template draws what ``line_chart`` computes: a path per series (broken where a year has
no figure), a dot with its value per point, axes with round ticks. Colours and dashes come
from the stylesheet (series-0…3), so the chart also reads in black and white.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[int | None]  # one per year; None: no published report that year


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    year: int
    value: int


@dataclass(frozen=True)
class Line:
    index: int
    label: str
    path: str  # SVG path data; empty when the series has no figure at all
    dots: tuple[Dot, ...]


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int  # x of the plot's right edge
    top: int
    bottom: int  # y of the plot's bottom edge (the x axis)
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    lines: tuple[Line, ...]


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5 × 10^k at least ``value`` (at least 1): the y axis's top."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def line_chart(years: Sequence[int], series: Sequence[Series]) -> Chart:
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    top_value = nice_ceiling(max((v for s in series for v in s.values if v is not None), default=1))
    span = max(1, len(years) - 1)

    def x_of(index: int) -> float:
        if len(years) == 1:
            return (LEFT + right) / 2
        return round(LEFT + (right - LEFT) * index / span, 1)

    def y_of(value: int) -> float:
        return round(bottom - (bottom - TOP) * value / top_value, 1)

    lines = []
    for number, one in enumerate(series):
        commands: list[str] = []
        dots: list[Dot] = []
        pen_down = False
        for index, value in enumerate(one.values):
            if value is None:
                pen_down = False
                continue
            dot = Dot(x_of(index), y_of(value), years[index], value)
            commands.append(f"{'L' if pen_down else 'M'}{dot.x} {dot.y}")
            dots.append(dot)
            pen_down = True
        lines.append(Line(number, one.label, " ".join(commands), tuple(dots)))
    # Round ticks: 0, 5, 10, 15, 20 for a top of 20; 0, 10, … 50 for 50; 0, 1, 2 for 2.
    steps = top_value if top_value < 5 else 4 if str(top_value)[0] == "2" else 5
    y_ticks = tuple(
        Tick(y_of(top_value * step // steps), str(top_value * step // steps))
        for step in range(steps + 1)
    )
    x_ticks = tuple(Tick(x_of(index), str(year)) for index, year in enumerate(years))
    return Chart(WIDTH, HEIGHT, LEFT, right, TOP, bottom, x_ticks, y_ticks, tuple(lines))
