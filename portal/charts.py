"""Geometry for server-rendered SVG charts: horizontal bars, and weekly columns or lines.

Plain arithmetic that templates/macros/charts.html draws; nothing here writes markup, so every
label reaches the page through the template's autoescaping. A value of None is withheld: it is
drawn as a marked gap with the word "Withheld", never as a bar or point at zero. Colours are Okabe
and Ito's colour-blind-safe set, keeping those with at least 3:1 contrast against white (WCAG
1.4.11); a second series is also hatched, and every bar carries its value as text, so colour is
never the only cue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import floor, log10

WITHHELD = "Withheld"


@dataclass(frozen=True)
class Style:
    """How one series looks: a colour and a pattern, each enough to tell it apart on its own."""

    name: str
    colour: str
    pattern: str

    def fill(self, chart_id: str, number: int) -> str:
        """What to fill a shape with: the colour, or the chart's pattern ``number`` in this style."""
        return self.colour if self.pattern == "solid" else f"url(#{chart_id}-pattern-{number})"


# Okabe–Ito blue, vermillion, bluish green and reddish purple; their orange, sky blue and yellow
# fall below 3:1 against white and are left out.
PALETTE = (
    Style("blue", "#0072B2", "solid"),
    Style("vermillion", "#D55E00", "hatched"),
    Style("bluish green", "#009E73", "dotted"),
    Style("reddish purple", "#CC79A7", "crossed"),
)
TEXT_COLOUR = "#212B32"
WHITE = "#FFFFFF"


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of a ``#RRGGBB`` colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio between two ``#RRGGBB`` colours (1 to 21)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def number_text(value: float | None) -> str:
    """A value as a label: thousands separated, "Withheld" for None."""
    if value is None:
        return WITHHELD
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


@dataclass(frozen=True)
class Series:
    """One measure across the categories; None is withheld. ``texts`` overrides the value labels."""

    name: str
    values: Sequence[float | None]
    texts: Sequence[str] = ()

    def text(self, index: int) -> str:
        """The label for one value."""
        return self.texts[index] if self.texts else number_text(self.values[index])


@dataclass(frozen=True)
class Bar:
    """One bar (or column); a withheld one has no size and is drawn as a marked gap."""

    x: float
    y: float
    width: float
    height: float
    label: str
    value_text: str
    series: int
    withheld: bool
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Label:
    """A piece of text placed on the chart."""

    text: str
    x: float
    y: float
    anchor: str = "start"


@dataclass(frozen=True)
class LegendKey:
    """A swatch and the series name beside it."""

    name: str
    style: Style
    x: float
    y: float


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart: each category's label on a line of its own, its bars below it."""

    width: float
    height: float
    baseline_x: float
    categories: tuple[Label, ...]
    bars: tuple[Bar, ...]
    legend: tuple[LegendKey, ...]
    styles: tuple[Style, ...]
    series_names: tuple[str, ...]
    has_withheld: bool

    def summary(self) -> str:
        """Every value in words, category by category, for the chart's description."""
        parts = []
        for category in self.categories:
            values = [bar for bar in self.bars if bar.label == category.text]
            said = ", ".join(f"{self.series_names[bar.series]} {bar.value_text}" for bar in values)
            parts.append(f"{category.text}: {said}.")
        return " ".join(parts)


# About the width a chart is drawn at beside its table, so its text stays near the page's size.
WIDTH = 480
VALUE_SPACE = 120  # room after the longest bar for its value label
LEGEND_HEIGHT = 34
CATEGORY_HEIGHT = 24
BAR_HEIGHT = 20
BAR_GAP = 4
GROUP_GAP = 14


def _scale(series: Sequence[Series], room: float) -> float:
    largest = max((v for s in series for v in s.values if v is not None), default=0)
    return room / largest if largest > 0 else 0.0


def bar_chart(categories: Sequence[str], series: Sequence[Series], width: float = WIDTH) -> BarChart:
    """Bars for one or two series over ``categories``, all on one scale so lengths compare."""
    if not 1 <= len(series) <= len(PALETTE):
        raise ValueError(f"a bar chart takes 1 to {len(PALETTE)} series")
    if any(len(s.values) != len(categories) for s in series):
        raise ValueError("every series needs one value per category")
    baseline = 1.0
    scale = _scale(series, width - VALUE_SPACE - baseline)
    styles = PALETTE[: len(series)]
    legend = (
        tuple(LegendKey(s.name, styles[i], i * width / len(series), 6) for i, s in enumerate(series))
        if len(series) > 1
        else ()
    )
    y = LEGEND_HEIGHT if legend else 0.0
    labels, bars = [], []
    for index, category in enumerate(categories):
        labels.append(Label(category, baseline, y + CATEGORY_HEIGHT - 6))
        y += CATEGORY_HEIGHT
        for number, one in enumerate(series):
            value = one.values[index]
            length = 0.0 if value is None else value * scale
            bars.append(
                Bar(
                    x=baseline,
                    y=y,
                    width=length,
                    height=BAR_HEIGHT,
                    label=category,
                    value_text=one.text(index),
                    series=number,
                    withheld=value is None,
                    text_x=baseline + length + 6,
                    text_y=y + BAR_HEIGHT - 4,
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        y += GROUP_GAP - BAR_GAP
    return BarChart(
        width=width,
        height=y,
        baseline_x=baseline,
        categories=tuple(labels),
        bars=tuple(bars),
        legend=legend,
        styles=styles,
        series_names=tuple(one.name for one in series),
        has_withheld=any(bar.withheld for bar in bars),
    )


@dataclass(frozen=True)
class Point:
    """One week on a line; ``partial`` when some small counts behind it were left out."""

    x: float
    y: float
    label: str
    value_text: str
    partial: bool


@dataclass(frozen=True)
class Gap:
    """A withheld week: a band across the plot, so the missing value is seen as missing."""

    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True)
class TrendChart:
    """One measure week by week, as columns or as a line broken at withheld weeks."""

    name: str
    kind: str
    width: float
    height: float
    plot_left: float
    plot_top: float
    plot_bottom: float
    plot_right: float
    style: Style
    columns: tuple[Bar, ...]
    segments: tuple[tuple[Point, ...], ...]
    points: tuple[Point, ...]
    gaps: tuple[Gap, ...]
    x_labels: tuple[Label, ...]
    y_labels: tuple[Label, ...]

    def summary(self) -> str:
        """The trend in words: the first and last weeks, the lowest and highest, the gaps."""
        if not self.points:
            return f"{self.name}: every week withheld." if self.gaps else f"{self.name}: no weeks."
        lowest = min(self.points, key=lambda point: -point.y)
        highest = min(self.points, key=lambda point: point.y)
        words = [
            f"{self.name}, week by week.",
            f"Week starting {self.points[0].label}: {self.points[0].value_text}.",
            f"Week starting {self.points[-1].label}: {self.points[-1].value_text}.",
            f"Lowest {lowest.value_text} (week starting {lowest.label});",
            f"highest {highest.value_text} (week starting {highest.label}).",
        ]
        if self.gaps:
            words.append("Some weeks are withheld.")
        return " ".join(words)

    @property
    def has_withheld(self) -> bool:
        """Whether any week is drawn as a gap."""
        return bool(self.gaps)

    @property
    def has_partial(self) -> bool:
        """Whether any point leaves out small counts."""
        return any(point.partial for point in self.points)


TREND_WIDTH, TREND_HEIGHT = 320, 170
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 52, 10, 12, 30


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least ``value`` (1 for 0)."""
    if value <= 0:
        return 1
    power = 10 ** floor(log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover (the loop ends at 10, which always fits)


def _x_labels(weeks: Sequence[str], slot: float) -> tuple[Label, ...]:
    """The first, middle and last weeks, kept inside the chart's edges."""
    if not weeks:
        return ()
    y = TREND_HEIGHT - 10
    labels = [Label(weeks[0], PLOT_LEFT, y, "start")]
    if len(weeks) > 2:
        middle = len(weeks) // 2
        labels.append(Label(weeks[middle], PLOT_LEFT + slot * (middle + 0.5), y, "middle"))
    if len(weeks) > 1:
        labels.append(Label(weeks[-1], TREND_WIDTH - PLOT_RIGHT, y, "end"))
    return tuple(labels)


def trend_chart(
    name: str,
    weeks: Sequence[str],
    values: Sequence[float | None],
    *,
    kind: str = "line",
    partial: Sequence[bool] = (),
    texts: Sequence[str] = (),
    style: Style = PALETTE[0],
) -> TrendChart:
    """Weekly values (oldest first) on a scale from 0 to a round number above the largest."""
    if kind not in ("line", "column"):
        raise ValueError("kind is 'line' or 'column'")
    if len(values) != len(weeks) or (partial and len(partial) != len(weeks)):
        raise ValueError("one value per week")
    partial = partial or [False] * len(weeks)
    texts = texts or [number_text(v) for v in values]
    top = nice_ceiling(max((v for v in values if v is not None), default=0))
    plot_height = TREND_HEIGHT - PLOT_TOP - PLOT_BOTTOM
    bottom = PLOT_TOP + plot_height
    slot = (TREND_WIDTH - PLOT_LEFT - PLOT_RIGHT) / max(len(weeks), 1)
    columns, points, gaps, segments, run = [], [], [], [], []
    for i, (week, value) in enumerate(zip(weeks, values, strict=True)):
        centre = PLOT_LEFT + slot * (i + 0.5)
        if value is None:
            gaps.append(Gap(centre - slot / 2, PLOT_TOP, slot, plot_height, week))
            if run:
                segments.append(tuple(run))
                run = []
            continue
        height = value / top * plot_height
        if kind == "column":
            columns.append(
                Bar(
                    x=centre - slot * 0.35,
                    y=bottom - height,
                    width=slot * 0.7,
                    height=height,
                    label=week,
                    value_text=texts[i],
                    series=0,
                    withheld=False,
                    text_x=centre,
                    text_y=bottom - height - 3,
                )
            )
        point = Point(centre, bottom - height, week, texts[i], partial[i])
        points.append(point)
        run.append(point)
    if run:
        segments.append(tuple(run))
    y_labels = tuple(
        Label(number_text(top * share), PLOT_LEFT - 6, bottom - plot_height * share + 4, "end")
        for share in (0, 0.5, 1)
    )
    return TrendChart(
        name=name,
        kind=kind,
        width=TREND_WIDTH,
        height=TREND_HEIGHT,
        plot_left=PLOT_LEFT,
        plot_top=PLOT_TOP,
        plot_bottom=bottom,
        plot_right=TREND_WIDTH - PLOT_RIGHT,
        style=style,
        columns=tuple(columns),
        segments=tuple(segments) if kind == "line" else (),
        points=tuple(points),
        gaps=tuple(gaps),
        x_labels=_x_labels(weeks, slot),
        y_labels=y_labels,
    )
