"""The eight signs as a bar chart drawn on the server: geometry only, the template draws it.

An SVG in the page needs no script and no image request, scales with the text, and the
result page pairs it with a table, so nothing relies on seeing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .advice import TraitView

WIDTH = 320  # viewBox units; the SVG scales to its column
ROW = 30  # a name line and its bar
BAR_HEIGHT = 8
NAME_BASELINE = 12  # the name's baseline within its row
BAR_TOP = 17  # the bar's top within its row


@dataclass(frozen=True)
class Bar:
    name: str
    level: str
    percent: int
    text_y: int
    bar_y: int
    width: float  # the filled part, at least a sliver so an empty sign still shows a bar


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bar_height: int
    bars: list[Bar]


def sign_chart(*, traits: Sequence[TraitView]) -> Chart:
    bars = [
        Bar(
            name=trait.name,
            level=trait.level,
            percent=trait.percent,
            text_y=i * ROW + NAME_BASELINE,
            bar_y=i * ROW + BAR_TOP,
            width=round(max(WIDTH * trait.percent / 100, 4), 1),
        )
        for i, trait in enumerate(traits)
    ]
    return Chart(width=WIDTH, height=len(bars) * ROW, bar_height=BAR_HEIGHT, bars=bars)
