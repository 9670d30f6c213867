"""The PDF report (fpdf2, A4 portrait).

Order: summary and findings (source documents cited), recording-quality warnings, the red flags
and the not-a-diagnosis notice; then the stretch (verdict, repetitions, timeline), the key frames
with skeleton and angles, the measures table and plots, and the sources. Text flows with fpdf2's
own line breaking over as many pages as it needs (real glyph widths of the embedded fonts);
tables are :meth:`fpdf.FPDF.table`; figures go in as PNG, key frames as JPEG. The fonts are the
DejaVu Sans files matplotlib ships, with a CJK font as per-glyph fallback when the system has
one (:mod:`posture_check.report.fonts`). The page footer names the file and the page.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import matplotlib

matplotlib.use("Agg", force=False)
import numpy as np
from fpdf import FPDF, FontFace
from fpdf.util import Padding
from matplotlib.figure import Figure
from PIL import Image

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
from posture_check.report.fonts import base_font_files, find_cjk_font, report_font_family
from posture_check.report.plots import png_bytes
from posture_check.stretch.catalogue import stretch_title

__all__ = ["pdf_bytes", "write_pdf"]

log = logging.getLogger(__name__)

MM_PER_IN = 25.4
PT = MM_PER_IN / 72  # one point in millimetres (the page unit)
MARGIN = 0.6 * MM_PER_IN
FIGURE_DPI = 150
FONT, CJK_FONT = "base", "cjk"


def _color(severity: str) -> str:
    """A severity's text colour (the figures' line colour), near-black for an unknown one."""
    c = SEVERITY_COLORS.get(severity)
    return c.line if c is not None else "#222222"


def _pad(pad: float) -> Padding:
    """Padding of a coloured box: ``pad`` mm above and below, half as much again at the sides."""
    return Padding(pad, pad * 1.5, pad, pad * 1.5)


def _in(inches: float) -> float:
    return inches * MM_PER_IN


class _Doc(FPDF):
    """An A4 page flow: text blocks, tables and images top to bottom, the footer on each page."""

    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.footer_text = footer_text
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)
        regular, bold = base_font_files()
        self.add_font(FONT, "", str(regular))
        self.add_font(FONT, "B", str(bold))
        self._glyphs = set(self.fonts[FONT].cmap)  # type: ignore[union-attr]
        self._cjk_tried = False
        self.glyphs(footer_text)
        self.set_font(FONT, "", 9.5)

    def glyphs(self, s: str) -> str:
        """``s``, after registering the CJK fallback font the first time a text needs a glyph
        DejaVu Sans lacks (parsing that font costs a quarter of a second: only when used)."""
        if not self._cjk_tried and not set(map(ord, s)) <= self._glyphs:
            self._cjk_tried = True
            cjk = find_cjk_font()
            if cjk is not None:
                try:
                    self.add_font(CJK_FONT, "", str(cjk))
                    self.set_fallback_fonts([CJK_FONT], exact_match=False)
                except Exception as exc:  # any font fpdf2 cannot read: DejaVu Sans only
                    log.info("cannot use CJK font %s in the PDF (%s)", cjk, exc)
        return s

    def footer(self) -> None:
        self.set_y(-0.45 * MM_PER_IN)
        self.set_font(FONT, "", 7)
        self.set_text_color("#777777")
        self.cell(0, 7 * PT, f"{self.footer_text}   ·   page {self.page_no()}", align="C")

    # -- flow ---------------------------------------------------------------------------------
    def room(self) -> float:
        """Height left on the current page (mm)."""
        return self.page_break_trigger - self.y

    def need(self, h: float) -> None:
        """Start a new page unless ``h`` mm fit on this one."""
        if self.page == 0 or self.room() < h:
            self.add_page()

    def at_top(self) -> bool:
        return self.y <= self.t_margin + 0.01

    def space(self, h: float) -> None:
        if not self.at_top():
            self.ln(h)

    def keep(self, h: float) -> None:
        """Start a new page unless ``h`` mm fit on this one, when they fit on a page at all (a
        block taller than a page starts where it is and flows over pages)."""
        if self.page == 0 or (h <= self.eph and self.room() < h):
            self.add_page()

    def text_height(self, s: str, size: float = 9.5, bold: bool = False, indent: float = 0.0,
                    bg: str | None = None, gap: float = 1.5) -> float:
        """The height :meth:`para` gives ``s`` (mm), from fpdf2's own line breaking."""
        self.set_font(FONT, "B" if bold else "", size)
        pad = 1.4 if bg else 0.0
        lines = cast("list[str]", self.multi_cell(
            self.epw - indent, size * 1.35 * PT, self.glyphs(s), align="L", padding=_pad(pad),
            dry_run=True, output="LINES"))
        return float(len(lines) * size * 1.35 * PT + 4 * pad + gap)

    def para(self, s: str, size: float = 9.5, color: str = "#222222", bold: bool = False,
             indent: float = 0.0, bg: str | None = None, gap: float = 1.5) -> None:
        """A paragraph (a newline starts a line) wrapped to the text width less ``indent`` (mm)."""
        self.need(size * 1.35 * PT + (2.8 if bg else 0.0))
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(color)
        pad = 1.4 if bg else 0.0
        if bg:
            self.set_fill_color(bg)
            self.ln(pad)
        self.set_x(self.l_margin + indent)
        self.multi_cell(self.epw - indent, size * 1.35 * PT, self.glyphs(s), align="L",
                        fill=bg is not None,
                        padding=_pad(pad), new_x="LMARGIN", new_y="NEXT")
        if bg:
            self.set_fill_color(255)  # the page's own white for what comes next
        self.ln(gap + pad)

    def heading(self, s: str) -> None:
        self.need(_in(0.9))
        self.space(_in(0.12))
        self.para(s, size=13, bold=True, color="#1a237e", gap=2.5)

    def heading_height(self, s: str) -> float:
        return _in(0.12) + self.text_height(s, size=13, bold=True, gap=2.5)

    def table_block(self, head: tuple[str, ...], rows: Sequence[tuple[str, ...]],
                    widths: tuple[float, ...], size: float = 8.0) -> None:
        """A table whose cells wrap within their column (its heading row repeated on a new
        page), kept on one page when it fits one."""
        line_h, pad = size * 1.4 * PT, (0.8, 1.0)
        self.keep(self._table_height((head, *rows), widths, size, line_h, pad) + 1.5)
        self.set_font(FONT, "", size)
        self.set_text_color("#222222")
        self.set_draw_color(SEVERITY_COLORS["not_measured"].band)
        with self.table(col_widths=widths, text_align="LEFT", align="LEFT",
                        borders_layout="HORIZONTAL_LINES", line_height=line_h, padding=pad,
                        v_align="TOP", headings_style=FontFace(emphasis="BOLD")) as table:
            for row in (head, *rows):
                cells = table.row()
                for cell in row:
                    cells.cell(self.glyphs(str(cell)))
        self.ln(1.5)

    def _table_height(self, rows: Sequence[tuple[str, ...]], widths: tuple[float, ...],
                      size: float, line_h: float, pad: tuple[float, float]) -> float:
        col_w = [w / sum(widths) * self.epw - 2 * pad[1] for w in widths]
        total = 0.0
        for k, row in enumerate(rows):
            self.set_font(FONT, "B" if k == 0 else "", size)
            n = max(len(cast("list[str]", self.multi_cell(
                w, line_h, self.glyphs(str(cell)), align="L", dry_run=True, output="LINES")))
                for cell, w in zip(row, col_w, strict=True))
            total += n * line_h + 2 * pad[0]
        return total

    def image_block(self, src: ReportFigure | Figure | np.ndarray, max_h: float | None = None,
                    width: float | None = None, x: float | None = None,
                    advance: bool = True) -> float:
        """Place a report figure, a matplotlib figure (PNG at 150 dpi) or an RGB key frame
        (JPEG), never squashed: scaled to ``width`` (mm; the text width when None) or down to
        ``max_h``, centred unless ``x`` is given; return the height used (mm)."""
        data, w_px, h_px = _image_bytes(src)
        w = width or self.epw
        h = w * h_px / w_px
        limit = max_h or (self.eph - 10.0)
        if h > limit:
            h, w = limit, limit * w_px / h_px
        if advance:
            self.need(h + 2.5)
        left = x if x is not None else self.l_margin + (self.epw - w) / 2
        self.image(io.BytesIO(data), x=left, y=self.y, w=w, h=h)
        if advance:
            self.set_y(self.y + h + 2.5)
        return h


def _image_bytes(src: ReportFigure | Figure | np.ndarray) -> tuple[bytes, int, int]:
    """(encoded image, width px, height px): PNG of a figure, JPEG of a frame."""
    if isinstance(src, ReportFigure):
        data = src.png(dpi=FIGURE_DPI)
    elif isinstance(src, Figure):
        data = png_bytes(src, dpi=FIGURE_DPI)
    else:
        buf = io.BytesIO()
        Image.fromarray(np.ascontiguousarray(src[..., :3]).astype(np.uint8)).save(
            buf, format="JPEG", quality=90)
        data = buf.getvalue()
    with Image.open(io.BytesIO(data)) as img:
        w_px, h_px = img.size
    return data, w_px, h_px


def _since_baseline(doc: _Doc, since) -> None:
    """The "Since your baseline" section (a :class:`posture_check.history.since.SinceBaseline`)."""
    doc.heading("Since your baseline")
    doc.para(since.sentence(), size=9.5)
    if not since.is_baseline and since.changes:
        doc.ln(1.0)
        doc.table_block(("measure", "baseline", "now", "change", "SDC", "verdict"), since.rows(),
                        (2.3, 0.8, 0.8, 0.8, 0.7, 1.6))
    fig = since.trend_figure()
    if fig is not None:
        doc.space(2.5)
        doc.image_block(fig, max_h=_in(4.2))
    doc.para("SDC = smallest detectable change (1.96 x sqrt(2) x the measured repeatability of "
             "the measure); dots are session medians, bars their intervals, the grey band the "
             "baseline +/- SDC.", size=7.5, color="#666666")


def _summary(doc: _Doc, result, c: ReportContent) -> None:
    """Title, file facts, the not-a-diagnosis notice, the summary and the findings."""
    info = result.input
    doc.add_page()
    doc.para("Posture report", size=20, bold=True, color="#1a237e")
    dur = (f"{result.series.t_s[-1] - result.series.t_s[0]:.1f} s, {result.n_frames} frames, "
           if info.kind == "video" else "photo, ")
    doc.para(f"{info.file_name}  ·  {info.width}x{info.height} px  ·  {dur}person found in "
             f"{result.n_detected} of {result.n_frames}  ·  main view: "
             f"{result.main_view.replace('_', ' ')}  ·  {result.created_utc}", size=8.5,
             color="#555555")
    doc.ln(2.0)
    doc.para("Not a diagnosis. " + NOT_A_DIAGNOSIS, size=9, bg="#eef4fb")
    doc.ln(1.0)
    doc.heading("Summary")
    doc.para(c.headline, size=11.5, bold=True)
    if c.pain_line:
        doc.para(c.pain_line, size=9.5)
    for f in c.findings:
        if f.severity == "not_measured":
            continue
        doc.ln(1.0)
        if f.severity == "ok":
            doc.para(f"{severity_label(f).upper()}   {f.message}  "
                     f"Source: {doc_title(f.source_doc)}",
                     size=9, color=_color("watch" if f.extra.get("not_steady") else
                                          "not_measured" if f.extra.get("watch_withheld")
                                          else "ok"), gap=0.5)
            continue
        doc.need(_in(0.6))  # the finding's title with its first lines
        doc.para(f"{SEVERITY_LABELS.get(f.severity, f.severity).upper()}   "
                 f"{measure_label(f.measure)}  {number_text(f.value, f.unit)}",
                 size=10, bold=True, color=_color(f.severity), gap=0.5)
        doc.para(f.message, size=8.8, indent=_in(0.15), gap=0.5)
        doc.para(f"Source: {doc_title(f.source_doc)}" + (f"; {f.reference}" if f.severity in
                                               ("watch", "flag") else ""),
                 size=7.5, color="#666666", indent=_in(0.15))
    if c.not_measured:
        doc.ln(1.0)
        doc.para(c.not_measured, size=8.8, color="#555555")


def _quality_and_red_flags(doc: _Doc, result, c: ReportContent, since) -> None:
    doc.heading("Recording quality")
    for w in result.warnings:
        doc.para("• " + w.message, size=9, color="#8a5a00")
    doc.para(c.setup_heading, size=8.8, color="#555555")
    doc.para("\n".join("• " + line for line in c.setup_lines), size=8.5)
    if since is not None:
        _since_baseline(doc, since)
    block = RED_FLAGS_HEADING + "\n" + "\n".join(
        f"•  {r.text}  ({doc_title(r.source_doc) if r.source_doc else r.reference.split(' (')[0]})"
        for r in RED_FLAGS)

    heading = "Red flags: see a clinician now"
    # the heading and the whole box on one page
    doc.keep(doc.heading_height(heading) + doc.text_height(block, size=9, bg="#fdecea"))
    doc.heading(heading)
    doc.para(block, size=9, bg="#fdecea")


def _stretch(doc: _Doc, result, c: ReportContent) -> None:
    sa = result.stretch
    if sa is None:
        return
    doc.add_page()
    doc.heading(f"Stretch: {stretch_title(sa.stretch)}  —  verdict: "
                f"{sa.verdict.replace('_', ' ')}")
    for m in sa.messages:
        doc.para("• " + m, size=9)
    if c.stretch_rows:
        doc.ln(1.2)
        doc.table_block(("#", "side", "verdict", "hold", "reached", "peak speed in / out",
                         "bouncing"), c.stretch_rows, (0.4, 0.8, 1.2, 0.8, 0.9, 1.7, 1.7))
    if c.stretch_figure is not None:
        doc.space(2.5)
        doc.image_block(c.stretch_figure, max_h=_in(6.0))


def _key_frames(doc: _Doc, c: ReportContent) -> None:
    frames = [(f.caption, f.image) for f in c.key_frames]
    if not frames:
        return
    cols = 2 if len(frames) > 1 else 1
    gutter = _in(0.2)
    col_w = (doc.epw - gutter * (cols - 1)) / cols
    max_h = _in(4.1)
    caption_h = 8 * 1.35 * PT + 4.0

    def row_h(row) -> float:
        return min(max(col_w * img.shape[0] / img.shape[1] for _, img in row), max_h)

    doc.need(row_h(frames[:cols]) + caption_h + _in(0.9))  # the heading with the first row
    doc.heading("Key frames: skeleton and measured angles")
    doc.para("Orange = your left side, blue = your right side. Angles are those of the frame "
             "shown; the findings use the whole recording.", size=8.5, color="#555555")
    for k in range(0, len(frames), cols):
        row = frames[k:k + cols]
        h = row_h(row)
        doc.need(h + caption_h)
        top = doc.y
        for j, (cap, img) in enumerate(row):
            x = doc.l_margin + j * (col_w + gutter)
            w = min(col_w, h * img.shape[1] / img.shape[0])
            doc.set_y(top)
            doc.image_block(img, max_h=h, width=w, x=x + (col_w - w) / 2, advance=False)
            doc.set_xy(x, top + h + 1.0)
            doc.set_font(FONT, "", 8)
            doc.set_text_color("#555555")
            doc.multi_cell(col_w, 8 * 1.35 * PT, doc.glyphs(cap), align="C", new_x="LMARGIN",
                           new_y="NEXT")
        doc.set_y(top + h + caption_h)


def _measures_and_sources(doc: _Doc, c: ReportContent) -> None:
    doc.heading("Measures")
    doc.table_block(("measure", "median (likely range)", "10th-90th pct.", "valid",
                     "positive means"), c.measure_rows, (1.9, 1.9, 1.4, 0.5, 2.2))
    if c.summary_figure is not None:
        doc.space(_in(0.15))
        doc.image_block(c.summary_figure, max_h=_in(4.5))
    fig = c.measures_figure
    if fig is not None:
        w_in, h_in = fig.figure.get_size_inches()
        doc.need(min(h_in * doc.epw / w_in, doc.eph - 10.0) + _in(0.6))
        doc.heading("Measures over time, with the findings' thresholds")
        doc.image_block(fig)
    doc.heading("Sources")
    for d in c.cited_docs:
        doc.para(f"{d}: {doc_title(d)}", size=8.5)
    doc.para("Thresholds marked as rules of thumb are heuristic, not clinical cut-offs. "
             "Generated by posture-check on this computer; nothing was sent anywhere.",
             size=8, color="#666666")


def _render(result, c: ReportContent, since=None) -> _Doc:
    doc = _Doc(f"posture-check report · {result.input.file_name} · not a diagnosis")
    doc.set_title(f"Posture report: {result.input.file_name}")
    doc.set_creator("posture-check")
    doc.set_lang("en")
    _summary(doc, result, c)
    _quality_and_red_flags(doc, result, c, since)
    _stretch(doc, result, c)
    _key_frames(doc, c)
    _measures_and_sources(doc, c)
    return doc


@contextmanager
def _quiet_subsetter() -> Iterator[None]:
    """fontTools warns about each table it cannot subset (the CJK font's bitmaps, dropped)."""
    logger = logging.getLogger("fontTools.subset")
    level = logger.level
    logger.setLevel(max(level, logging.ERROR))
    try:
        yield
    finally:
        logger.setLevel(level)


def pdf_bytes(result, since=None, *, content: ReportContent | None = None) -> bytes:
    """The PDF report as bytes (``since``: optional "Since your baseline" section;
    ``content``: :func:`~posture_check.report.content.build_content` of ``result``, built here
    when not given)."""
    c = content or build_content(result)
    # the figures' text gets the CJK fallback too (names in Chinese, Japanese or Korean)
    with matplotlib.rc_context({"font.family": list(report_font_family())}):
        doc = _render(result, c, since)
    with _quiet_subsetter():
        return bytes(doc.output())


def write_pdf(result, path: str | os.PathLike[str], since=None, *,
              content: ReportContent | None = None) -> Path:
    """Write the PDF report atomically; return the path."""
    write_bytes_atomic(path, pdf_bytes(result, since, content=content))
    return Path(path)
