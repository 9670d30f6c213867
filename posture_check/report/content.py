"""One report's content, built once from an analysis: what the HTML and PDF reports and the app
render.

:func:`build_content` turns an :class:`~posture_check.analysis.results.AnalysisResult` into a
:class:`ReportContent`: the summary lines (headline, the pain side as said, the findings in
severity order, what could not be measured), the set-up check lines, the measure and stretch
tables, the annotated key frames (skeleton, that frame's angles, findings banner) and the
figures (:mod:`posture_check.report.plots`), and the documents cited. The renderers only lay it
out: key frames are annotated once, and a figure's PNG is rendered once per resolution
(:meth:`ReportFigure.png`; the app and the HTML share one)::

    content = build_content(result)
    html_text(result, content=content), pdf_bytes(result, content=content)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

import numpy as np
from matplotlib.figure import Figure

from posture_check.report.common import (
    annotated_key_frames,
    cited_docs,
    headline,
    measure_rows,
    not_measured_text,
    sorted_findings,
    stretch_rows,
)
from posture_check.report.plots import measures_figure, png_bytes, stretch_figure, summary_figure
from posture_check.report.setup_section import setup_lines, setup_report

if TYPE_CHECKING:
    from posture_check.analysis.results import AnalysisResult, KeyFrame
    from posture_check.measures.indicators import Finding
    from posture_check.stretch import StretchAnalysis

__all__ = ["AnnotatedFrame", "ReportContent", "ReportFigure", "build_content"]


@dataclass(frozen=True, eq=False)
class AnnotatedFrame:
    """A key frame drawn on for the reports.

    ``image``: RGB, longer side at most 720 px, with the skeleton, the frame's angles and the
    findings banner; ``caption``: ``"<t> s, <label>"`` for a video, the label for a photo.
    """

    key_frame: KeyFrame
    image: np.ndarray = field(repr=False)
    caption: str


class ReportFigure:
    """A report figure and its PNG renderings, each resolution rendered once.

    ``figure`` is drawn by ``draw`` (a :mod:`~posture_check.report.plots` function on the
    result's data). A resolution after the first is rendered from a fresh figure: matplotlib's
    constrained layout keeps state from a draw, so re-rendering one figure at another dpi moves
    some text by a pixel; a fresh figure gives exactly the picture the report always had.
    """

    def __init__(self, figure: Figure, draw: Callable[[], Figure | None]) -> None:
        self.figure = figure
        self._draw = draw
        self._png: dict[int, bytes] = {}
        self._lock = threading.Lock()

    def png(self, dpi: int = 110) -> bytes:
        """The figure as PNG bytes at ``dpi`` dots per inch (cached)."""
        with self._lock:
            if dpi not in self._png:
                fig = self.figure if not self._png else (self._draw() or self.figure)
                self._png[dpi] = png_bytes(fig, dpi=dpi)
            return self._png[dpi]


@dataclass(frozen=True, eq=False)
class ReportContent:
    """Everything the HTML and PDF reports and the app show about one analysis, built once.

    Attributes:
        result: the analysis it was built from (file facts, options, warnings, stretch).
        headline: one sentence: findings to flag / watch, the stretch verdict, partial or not.
        pain_line: "You said the pain is on your <side> side." ("" when not said).
        findings: the findings, most severe first (``not_measured`` ones included).
        not_measured: one paragraph naming the measures not taken and why ("" if none).
        setup_heading / setup_lines: the camera set-up check of the first seconds.
        measure_rows: (label, median with interval, p10 to p90, valid share, positive means).
        stretch_rows: one row per repetition (empty without a stretch check).
        key_frames: the annotated key frames in time order.
        stretch_figure / summary_figure / measures_figure: the figures (None: nothing to plot).
        cited_docs: every document the report cites, by file name.
    """

    result: AnalysisResult
    headline: str
    pain_line: str
    findings: tuple[Finding, ...]
    not_measured: str
    setup_heading: str
    setup_lines: tuple[str, ...]
    measure_rows: tuple[tuple[str, str, str, str, str], ...]
    stretch_rows: tuple[tuple[str, ...], ...]
    key_frames: tuple[AnnotatedFrame, ...]
    stretch_figure: ReportFigure | None
    summary_figure: ReportFigure | None
    measures_figure: ReportFigure | None
    cited_docs: tuple[str, ...]


def _figure(draw: Callable[[], Figure | None]) -> ReportFigure | None:
    fig = draw()
    return None if fig is None else ReportFigure(fig, draw)


def build_content(result: AnalysisResult) -> ReportContent:
    """The report content of ``result`` (see module docstring)."""
    video = result.input.kind == "video"
    frames = tuple(
        AnnotatedFrame(kf, img, f"{kf.t_s:.1f} s, {kf.label}" if video else kf.label)
        for kf, img in annotated_key_frames(result))
    setup_head, setup = setup_lines(setup_report(result))
    pain = result.options.pain_side
    stretch = cast("StretchAnalysis | None", result.stretch)
    summary = result.measures.summary()
    return ReportContent(
        result=result,
        headline=headline(result),
        pain_line=f"You said the pain is on your {pain} side." if pain else "",
        findings=tuple(sorted_findings(result)),
        not_measured=not_measured_text(result),
        setup_heading=setup_head,
        setup_lines=tuple(setup),
        measure_rows=tuple(measure_rows(result)),
        stretch_rows=tuple(stretch_rows(result)),
        key_frames=frames,
        stretch_figure=_figure(lambda: stretch_figure(stretch)),
        summary_figure=_figure(lambda: summary_figure(summary)),
        measures_figure=_figure(lambda: measures_figure(result.measures)),
        cited_docs=tuple(cited_docs(result)),
    )
