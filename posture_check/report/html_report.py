"""The HTML report: one self-contained file (CSS inline, images as base64 data URIs, no
scripts, no external requests), the twin of the PDF.

The page is the Jinja2 template ``templates/report.html.j2`` (autoescaped; its CSS is
``templates/report.css``); :func:`report_context` builds what it shows from a
:class:`~posture_check.report.content.ReportContent` as plain strings, rows and data URIs.
"""

from __future__ import annotations

import base64
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import cv2
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape

from posture_check.atomic import write_text_atomic
from posture_check.measures import NOT_A_DIAGNOSIS, RED_FLAGS, RED_FLAGS_HEADING
from posture_check.presentation import doc_title, measure_label, number_text, severity_label
from posture_check.report.content import ReportContent, build_content
from posture_check.report.plots import png_bytes
from posture_check.stretch.catalogue import stretch_title

__all__ = ["html_text", "report_context", "since_baseline_context", "write_html"]

TEMPLATES = Path(__file__).with_name("templates")
TEMPLATE = "report.html.j2"
SINCE_HEAD = ("measure", "baseline", "now", "change", "SDC", "verdict")
STRETCH_HEAD = ("#", "side", "verdict", "hold", "reached", "peak speed in / out", "bouncing")
MEASURE_HEAD = ("measure", "median (90% likely range)", "10th to 90th percentile",
                "valid frames", "positive means")


@lru_cache(maxsize=1)
def _template() -> Template:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(
        enabled_extensions=("html", "j2"), default_for_string=True, default=True),
        undefined=StrictUndefined, keep_trailing_newline=False)
    return env.get_template(TEMPLATE)


def _data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _jpeg(rgb) -> bytes:
    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR),
                           [cv2.IMWRITE_JPEG_QUALITY, 88])
    if not ok:
        raise ValueError("could not encode a key frame as JPEG")
    return buf.tobytes()


def since_baseline_context(since) -> dict[str, Any]:
    """The "Since your baseline" section (a :class:`posture_check.history.since.SinceBaseline`):
    a sentence, the change per measure against its smallest detectable change, a small trend
    plot of the saved sessions."""
    fig = since.trend_figure()
    return {
        "sentence": since.sentence(),
        "head": SINCE_HEAD,
        "rows": [tuple(r) for r in since.rows()] if not since.is_baseline and since.changes
        else [],
        "trend": _data_uri(png_bytes(fig), "image/png") if fig is not None else "",
    }


def _meta(result) -> str:
    info = result.input
    return (f"{info.file_name} · {info.kind} · {info.width}x{info.height} px · "
            + (f"{result.series.t_s[-1] - result.series.t_s[0]:.1f} s, {result.n_frames} "
               f"frames · " if info.kind == "video" else "")
            + f"person found in {result.n_detected} of {result.n_frames} frame(s) · "
            f"main view: {result.main_view.replace('_', ' ')} · {result.created_utc}")


def _stretch_context(result, c: ReportContent) -> dict[str, Any] | None:
    sa = result.stretch
    if sa is None:
        return None
    return {"title": stretch_title(sa.stretch), "verdict": sa.verdict.replace("_", " "),
            "messages": list(sa.messages), "head": STRETCH_HEAD, "rows": list(c.stretch_rows),
            "figure": _data_uri(c.stretch_figure.png(), "image/png")
            if c.stretch_figure is not None else ""}


def report_context(result, since=None, *, content: ReportContent | None = None
                   ) -> dict[str, Any]:
    """What the template shows: plain strings, table rows and data-URI images."""
    c = content or build_content(result)
    findings = [
        {"severity": f.severity, "label": severity_label(f).upper(),
         "measure": measure_label(f.measure), "value": number_text(f.value, f.unit),
         "message": f.message, "source": doc_title(f.source_doc),
         "reference": f.reference if f.severity in ("watch", "flag") else ""}
        for f in c.findings if f.severity != "not_measured"]
    plots = [{"src": _data_uri(fig.png(), "image/png"), "alt": alt}
             for fig, alt in ((c.summary_figure, "measures against their thresholds"),
                              (c.measures_figure, "measures over time")) if fig is not None]
    return {
        "file_name": result.input.file_name,
        "meta": _meta(result),
        "not_a_diagnosis": NOT_A_DIAGNOSIS,
        "headline": c.headline,
        "pain_line": c.pain_line,
        "findings": findings,
        "not_measured": c.not_measured,
        "warnings": [w.message for w in result.warnings],
        "setup_heading": c.setup_heading,
        "setup_lines": list(c.setup_lines),
        "since": since_baseline_context(since) if since is not None else None,
        "red_flags_heading": RED_FLAGS_HEADING,
        "red_flags": [{"text": r.text,
                       "source": doc_title(r.source_doc) if r.source_doc else r.reference}
                      for r in RED_FLAGS],
        "stretch": _stretch_context(result, c),
        "key_frames": [{"src": _data_uri(_jpeg(k.image), "image/jpeg"), "caption": k.caption}
                       for k in c.key_frames],
        "measure_head": MEASURE_HEAD,
        "measure_rows": list(c.measure_rows),
        "plots": plots,
        "sources": [{"name": d, "title": doc_title(d)} for d in c.cited_docs],
    }


def html_text(result, since=None, *, content: ReportContent | None = None) -> str:
    """The HTML report as text (``since``: optional "Since your baseline" section;
    ``content``: :func:`~posture_check.report.content.build_content` of ``result``, built here
    when not given)."""
    return _template().render(report_context(result, since, content=content))


def write_html(result, path: str | os.PathLike[str], since=None, *,
               content: ReportContent | None = None) -> Path:
    """Write the HTML report atomically; return the path."""
    write_text_atomic(path, html_text(result, since, content=content))
    return Path(path)
