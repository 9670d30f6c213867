"""The PDF report (matplotlib's PdfPages, A4 portrait).

Order: summary and findings (source documents cited), recording-quality warnings, the red flags
and the not-a-diagnosis notice; then the stretch (verdict, repetitions, timeline), the key frames
with skeleton and angles, the measures table and plots, and the sources. Text flows over as many
pages as it needs (:class:`_Flow`).
"""

from __future__ import annotations

import io
import os
import textwrap
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=False)
import numpy as np
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from posture_check.atomic import write_bytes_atomic
from posture_check.measures import NOT_A_DIAGNOSIS, RED_FLAGS, RED_FLAGS_HEADING
from posture_check.presentation import (
    SEVERITY_COLORS,
    SEVERITY_LABELS,
    doc_title,
    measure_label,
    number_text,
    severity_label,
)
from posture_check.report.content import ReportContent, ReportFigure, build_content
from posture_check.report.fonts import report_font_family
from posture_check.stretch.catalogue import stretch_title

__all__ = ["pdf_bytes", "write_pdf"]

PAGE_W, PAGE_H = 8.27, 11.69  # A4, inches
MARGIN = 0.6


def _color(severity: str) -> str:
    """A severity's text colour (the figures' line colour), near-black for an unknown one."""
    c = SEVERITY_COLORS.get(severity)
    return c.line if c is not None else "#222222"


class _Flow:
    """Top-to-bottom layout of text blocks and images over A4 pages."""

    def __init__(self, pdf: PdfPages, footer: str) -> None:
        self.pdf, self.footer = pdf, footer
        self.fig: Figure | None = None
        self.y = 0.0
        self.page = 0

    def _new_page(self) -> None:
        self.close_page()
        self.fig = Figure(figsize=(PAGE_W, PAGE_H))
        self.page += 1
        self.y = PAGE_H - MARGIN
        self.fig.text(0.5, 0.3 / PAGE_H, f"{self.footer}   ·   page {self.page}", ha="center",
                      fontsize=7, color="#777777")

    def close_page(self) -> None:
        if self.fig is not None:
            self.pdf.savefig(self.fig)
            self.fig = None

    def need(self, h_in: float) -> Figure:
        """The page to draw ``h_in`` inches on: the current one, or a new one if it is full."""
        if self.fig is None or self.y - h_in < MARGIN:
            self._new_page()
        if self.fig is None:  # _new_page always opens one
            raise RuntimeError("the PDF flow has no open page")
        return self.fig

    def space(self, h_in: float) -> None:
        self.y -= h_in

    def text(self, s: str, size: float = 9.5, color: str = "#222222", weight: str = "normal",
             indent: float = 0.0, bg: str | None = None, gap: float = 0.06) -> None:
        width_pt = (PAGE_W - 2 * MARGIN - indent) * 72
        factor = 0.58 if weight == "bold" else 0.5
        chars = max(int(width_pt / (factor * size)), 20)
        lines = []
        for para in s.split("\n"):
            lines += textwrap.wrap(para, chars) or [""]
        line_h = size * 1.35 / 72
        for k in range(0, len(lines), 40):
            chunk = lines[k:k + 40]
            h = line_h * len(chunk)
            fig = self.need(h + gap)
            fig.text((MARGIN + indent) / PAGE_W, self.y / PAGE_H, "\n".join(chunk),
                     va="top", ha="left", fontsize=size, color=color, weight=weight,
                     linespacing=1.35,
                     bbox={"facecolor": bg, "edgecolor": "none", "pad": 4} if bg else None)
            self.y -= h + gap

    def heading(self, s: str) -> None:
        self.need(0.9)
        if self.y > PAGE_H - MARGIN - 0.01:
            self.y += 0.12  # top of a page: no extra space above the heading
        self.space(0.12)
        self.text(s, size=13, weight="bold", color="#1a237e", gap=0.1)

    def image(self, rgb_or_fig, max_h: float | None = None, width: float | None = None,
              x: float | None = None, advance: bool = True) -> float:
        """Place an RGB array or a (report) figure, rasterised at 150 dpi; return the height
        used (inches)."""
        if isinstance(rgb_or_fig, ReportFigure):
            import matplotlib.image as mpimg

            rgb = mpimg.imread(io.BytesIO(rgb_or_fig.png(dpi=150)), format="png")
        elif isinstance(rgb_or_fig, Figure):
            import matplotlib.image as mpimg

            from posture_check.report.plots import png_bytes

            rgb = mpimg.imread(io.BytesIO(png_bytes(rgb_or_fig, dpi=150)), format="png")
        else:
            rgb = rgb_or_fig
        h_px, w_px = rgb.shape[:2]
        w = width or (PAGE_W - 2 * MARGIN)
        h = w * h_px / w_px
        limit = max_h or (PAGE_H - 2 * MARGIN - 0.4)
        if h > limit:
            h, w = limit, limit * w_px / h_px
        fig = self.need(h + 0.1)
        left = x if x is not None else MARGIN + (PAGE_W - 2 * MARGIN - w) / 2
        ax = fig.add_axes((left / PAGE_W, (self.y - h) / PAGE_H, w / PAGE_W, h / PAGE_H))
        ax.imshow(rgb, interpolation="antialiased")
        ax.set_axis_off()
        if advance:
            self.y -= h + 0.1
        return h

    def table(self, head: tuple[str, ...], rows: Sequence[tuple[str, ...]],
              widths: tuple[float, ...], size: float = 8.0) -> None:
        """A table whose cells wrap within their column (never cut at the column's edge)."""
        line_h = size * 1.5 / 72
        total = PAGE_W - 2 * MARGIN
        col_in = np.asarray(widths, float) / sum(widths) * total
        xs = np.concatenate([[0.0], np.cumsum(col_in)[:-1]]) + MARGIN
        # ~0.55 em per character in DejaVu Sans at this size, minus a small gutter
        chars = [max(4, int((w - 0.08) / (0.55 * size / 72))) for w in col_in]
        wrapped = [[textwrap.wrap(str(cell), width=c) or [""] for cell, c in
                    zip(row, chars, strict=True)] for row in [head, *rows]]
        heights = [line_h * max(len(lines) for lines in row) for row in wrapped]
        whole = sum(heights)
        if whole < PAGE_H - 2 * MARGIN - 1.0:
            self.need(whole)  # keep a table on one page when it fits on one
        for k, (row, h) in enumerate(zip(wrapped, heights, strict=True)):
            fig = self.need(h)
            for x, lines in zip(xs, row, strict=True):
                fig.text(x / PAGE_W, self.y / PAGE_H, "\n".join(lines), va="top",
                         fontsize=size, linespacing=1.25, weight="bold" if k == 0 else "normal")
            self.y -= h


def _since_baseline(flow: _Flow, since) -> None:
    """The "Since your baseline" section (a :class:`posture_check.history.since.SinceBaseline`)."""
    flow.heading("Since your baseline")
    flow.text(since.sentence(), size=9.5)
    if not since.is_baseline and since.changes:
        flow.space(0.04)
        flow.table(("measure", "baseline", "now", "change", "SDC", "verdict"), since.rows(),
                   (2.3, 0.8, 0.8, 0.8, 0.7, 1.6))
    fig = since.trend_figure()
    if fig is not None:
        flow.space(0.1)
        flow.image(fig, max_h=4.2)
    flow.text("SDC = smallest detectable change (1.96 x sqrt(2) x the measured repeatability of "
              "the measure); dots are session medians, bars their intervals, the grey band the "
              "baseline +/- SDC.", size=7.5, color="#666666")


def _render(result, c: ReportContent, pdf: PdfPages, since=None) -> None:
    info = result.input
    flow = _Flow(pdf, f"posture-check report · {info.file_name} · not a diagnosis")
    flow.need(1.0)
    flow.text("Posture report", size=20, weight="bold", color="#1a237e")
    dur = (f"{result.series.t_s[-1] - result.series.t_s[0]:.1f} s, {result.n_frames} frames, "
           if info.kind == "video" else "photo, ")
    flow.text(f"{info.file_name}  ·  {info.width}x{info.height} px  ·  {dur}person found in "
              f"{result.n_detected} of {result.n_frames}  ·  main view: "
              f"{result.main_view.replace('_', ' ')}  ·  {result.created_utc}", size=8.5,
              color="#555555")
    flow.space(0.08)
    flow.text("Not a diagnosis. " + NOT_A_DIAGNOSIS, size=9, bg="#eef4fb")
    flow.space(0.1)
    flow.heading("Summary")
    flow.text(c.headline, size=11.5, weight="bold")
    if c.pain_line:
        flow.text(c.pain_line, size=9.5)
    measured = [f for f in c.findings if f.severity != "not_measured"]
    for f in measured:
        flow.space(0.04)
        if f.severity == "ok":
            flow.text(f"{severity_label(f).upper()}   {f.message}  "
                      f"Source: {doc_title(f.source_doc)}",
                      size=9, color=_color("watch" if f.extra.get("not_steady") else
                                           "not_measured" if f.extra.get("watch_withheld")
                                           else "ok"), gap=0.02)
            continue
        flow.text(f"{SEVERITY_LABELS.get(f.severity, f.severity).upper()}   "
                  f"{measure_label(f.measure)}  {number_text(f.value, f.unit)}",
                  size=10, weight="bold", color=_color(f.severity), gap=0.02)
        flow.text(f.message, size=8.8, indent=0.15, gap=0.02)
        flow.text(f"Source: {doc_title(f.source_doc)}" + (f"; {f.reference}" if f.severity in
                                               ("watch", "flag") else ""),
                  size=7.5, color="#666666", indent=0.15)
    missing = c.not_measured
    if missing:
        flow.space(0.04)
        flow.text(missing, size=8.8, color="#555555")
    flow.heading("Recording quality")
    for w in result.warnings:
        flow.text("• " + w.message, size=9, color="#8a5a00")
    flow.text(c.setup_heading, size=8.8, color="#555555")
    flow.text("\n".join("• " + line for line in c.setup_lines), size=8.5)
    if since is not None:
        _since_baseline(flow, since)
    flow.need(0.5 + 0.3 * len(RED_FLAGS))
    flow.heading("Red flags: see a clinician now")
    block = RED_FLAGS_HEADING + "\n" + "\n".join(
        f"•  {r.text}  ({doc_title(r.source_doc) if r.source_doc else r.reference.split(' (')[0]})"
        for r in RED_FLAGS)
    flow.text(block, size=9, bg="#fdecea")

    sa = result.stretch
    if sa is not None:
        flow.close_page()
        flow.heading(f"Stretch: {stretch_title(sa.stretch)}  —  verdict: "
                     f"{sa.verdict.replace('_', ' ')}")
        for m in sa.messages:
            flow.text("• " + m, size=9)
        rows = c.stretch_rows
        if rows:
            flow.space(0.05)
            flow.table(("#", "side", "verdict", "hold", "reached", "peak speed in / out",
                        "bouncing"), rows, (0.4, 0.8, 1.2, 0.8, 0.9, 1.7, 1.7))
        if c.stretch_figure is not None:
            flow.space(0.1)
            flow.image(c.stretch_figure, max_h=6.0)

    frames = [(f.caption, f.image) for f in c.key_frames]
    if frames:
        cols = 2 if len(frames) > 1 else 1
        col_w = (PAGE_W - 2 * MARGIN - 0.2 * (cols - 1)) / cols
        first_h = min(max(col_w * img.shape[0] / img.shape[1] for _, img in frames[:cols]), 4.1)
        flow.need(first_h + 1.4)  # keep the heading with the first row
        flow.heading("Key frames: skeleton and measured angles")
        flow.text("Orange = your left side, blue = your right side. Angles are those of the frame "
                  "shown; the findings use the whole recording.", size=8.5, color="#555555")
        for k in range(0, len(frames), cols):
            row = frames[k:k + cols]
            hs = [col_w * img.shape[0] / img.shape[1] for _, img in row]
            h = min(max(hs), 4.1)
            page = flow.need(h + 0.35)
            for j, (cap, img) in enumerate(row):
                x = MARGIN + j * (col_w + 0.2)
                flow.image(img, max_h=h, width=col_w, x=x, advance=False)
                page.text((x + col_w / 2) / PAGE_W, (flow.y - h - 0.05) / PAGE_H, cap,
                          ha="center", va="top", fontsize=8, color="#555555")
            flow.y -= h + 0.35

    flow.heading("Measures")
    flow.table(("measure", "median (likely range)", "10th-90th pct.", "valid", "positive means"),
               c.measure_rows, (1.9, 1.9, 1.4, 0.5, 2.2))
    if c.summary_figure is not None:
        flow.space(0.15)
        flow.image(c.summary_figure, max_h=4.5)
    fig = c.measures_figure
    if fig is not None:
        w_in, h_in = fig.figure.get_size_inches()
        flow.need(min(h_in * (PAGE_W - 2 * MARGIN) / w_in, PAGE_H - 2 * MARGIN - 0.4) + 0.6)
        flow.heading("Measures over time, with the findings' thresholds")
        flow.image(fig)
    flow.heading("Sources")
    for d in c.cited_docs:
        flow.text(f"{d}: {doc_title(d)}", size=8.5)
    flow.text("Thresholds marked as rules of thumb are heuristic, not clinical cut-offs. "
              "Generated by posture-check on this computer; nothing was sent anywhere.",
              size=8, color="#666666")
    flow.close_page()


def pdf_bytes(result, since=None, *, content: ReportContent | None = None) -> bytes:
    """The PDF report as bytes (``since``: optional "Since your baseline" section;
    ``content``: :func:`~posture_check.report.content.build_content` of ``result``, built here
    when not given)."""
    c = content or build_content(result)
    buf = io.BytesIO()
    # a CJK fallback font so names in Chinese, Japanese or Korean do not show as boxes
    with matplotlib.rc_context({"font.family": list(report_font_family())}), \
            PdfPages(buf, metadata={"Title": f"Posture report: {result.input.file_name}",
                                    "Creator": "posture-check"}) as pdf:
        _render(result, c, pdf, since)
    return buf.getvalue()


def write_pdf(result, path: str | os.PathLike[str], since=None, *,
              content: ReportContent | None = None) -> Path:
    """Write the PDF report atomically; return the path."""
    write_bytes_atomic(path, pdf_bytes(result, since, content=content))
    return Path(path)
