"""The HTML report: one self-contained file (CSS inline, images as base64 data URIs, no
scripts, no external requests), the twin of the PDF."""

from __future__ import annotations

import base64
import html
import os
from collections.abc import Sequence
from pathlib import Path

import cv2

from posture_check.atomic import write_text_atomic
from posture_check.measures import NOT_A_DIAGNOSIS, RED_FLAGS, RED_FLAGS_HEADING
from posture_check.presentation import doc_title, measure_label, number_text, severity_label
from posture_check.report.content import ReportContent, build_content
from posture_check.report.plots import png_bytes
from posture_check.stretch.catalogue import stretch_title

__all__ = ["html_text", "write_html"]

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:60rem;margin:1.5rem
auto;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{font-size:1.2rem;border-bottom:1px solid #ddd;
padding-bottom:.2rem;margin-top:2rem} .meta{color:#666;font-size:.9rem}
.notice{background:#eef4fb;border-left:4px solid #1e88e5;padding:.6rem .9rem;margin:1rem 0}
.redflags{background:#fdecea;border-left:4px solid #c62828;padding:.6rem .9rem;margin:1rem 0}
.headline{font-size:1.1rem;font-weight:600}
.finding{border:1px solid #e0e0e0;border-radius:6px;padding:.5rem .8rem;margin:.5rem 0}
.sev{display:inline-block;font-size:.75rem;font-weight:700;padding:.1rem .45rem;border-radius:4px;
color:#fff;margin-right:.5rem} .flag{background:#c62828} .watch{background:#c98a00}
.ok{background:#2e7d32} .not_measured{background:#888}
.cite{color:#555;font-size:.85rem} table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid #e5e5e5;padding:.3rem .4rem;text-align:left} th{background:#fafafa}
.frames{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.8rem}
figure{margin:0}
figure img,.plot{max-width:100%;border:1px solid #ddd;border-radius:4px}
figcaption{font-size:.85rem;color:#555} .warn{color:#8a5a00}
"""


def _img(data: bytes, mime: str, alt: str, cls: str = "") -> str:
    b64 = base64.b64encode(data).decode("ascii")
    c = f' class="{cls}"' if cls else ""
    return f'<img{c} alt="{html.escape(alt)}" src="data:{mime};base64,{b64}">'


def _jpeg(rgb) -> bytes:
    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR),
                           [cv2.IMWRITE_JPEG_QUALITY, 88])
    if not ok:
        raise ValueError("could not encode a key frame as JPEG")
    return buf.tobytes()


def _table(head: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>"
                   for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def since_baseline_html(since) -> list[str]:
    """The "Since your baseline" section (a :class:`posture_check.history.since.SinceBaseline`):
    a sentence, the change per measure against its smallest detectable change, a small trend
    plot of the saved sessions."""
    e = html.escape
    parts = [f"<h2>Since your baseline</h2><p>{e(since.sentence())}</p>"]
    if not since.is_baseline and since.changes:
        parts.append(_table(("measure", "baseline", "now", "change", "SDC", "verdict"),
                            since.rows()))
    fig = since.trend_figure()
    if fig is not None:
        parts.append("<p>" + _img(png_bytes(fig), "image/png", "trend since the baseline",
                                  "plot") + "</p>")
    parts.append("<p class='cite'>SDC = smallest detectable change (1.96 x sqrt(2) x the "
                 "measured repeatability of the measure); dots are session medians, bars their "
                 "intervals, the grey band the baseline +/- SDC.</p>")
    return parts


def html_text(result, since=None, *, content: ReportContent | None = None) -> str:
    """The HTML report as text (``since``: optional "Since your baseline" section;
    ``content``: :func:`~posture_check.report.content.build_content` of ``result``, built here
    when not given)."""
    c = content or build_content(result)
    e = html.escape
    info = result.input
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>Posture report: {e(info.file_name)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Posture report</h1><p class='meta'>{e(info.file_name)} · {e(info.kind)} · "
        f"{info.width}x{info.height} px · "
        + (f"{result.series.t_s[-1] - result.series.t_s[0]:.1f} s, {result.n_frames} frames · "
           if info.kind == "video" else "")
        + f"person found in {result.n_detected} of {result.n_frames} frame(s) · "
        f"main view: {e(result.main_view.replace('_', ' '))} · {e(result.created_utc)}</p>",
        f"<div class='notice'><b>Not a diagnosis.</b> {e(NOT_A_DIAGNOSIS)}</div>",
        f"<h2>Summary</h2><p class='headline'>{e(c.headline)}</p>",
    ]
    if c.pain_line:
        parts.append(f"<p>{e(c.pain_line)}</p>")
    for f in c.findings:
        if f.severity == "not_measured":
            continue
        parts.append(
            f"<div class='finding'><span class='sev {e(f.severity)}'>"
            f"{e(severity_label(f).upper())}</span>"
            f"<b>{e(measure_label(f.measure))}</b> "
            f"{e(number_text(f.value, f.unit))}<br>{e(f.message)}"
            f"<div class='cite'>Source: {e(doc_title(f.source_doc))}"
            f"{' · ' + e(f.reference) if f.severity in ('watch', 'flag') else ''}</div></div>")
    if c.not_measured:
        parts.append(f"<p class='cite'>{e(c.not_measured)}</p>")
    parts.append("<h2>Recording quality</h2><ul>")
    parts += [f"<li class='warn'>{e(w.message)}</li>" for w in result.warnings]
    parts.append(f"</ul><p class='meta'>{e(c.setup_heading)}</p><ul class='setup'>")
    parts += [f"<li>{e(line)}</li>" for line in c.setup_lines]
    parts.append("</ul>")
    if since is not None:
        parts += since_baseline_html(since)
    parts.append(f"<div class='redflags'><b>{e(RED_FLAGS_HEADING)}</b><ul>")
    parts += [f"<li>{e(r.text)} <span class='cite'>"
              f"({e(doc_title(r.source_doc) if r.source_doc else r.reference)})</span></li>"
              for r in RED_FLAGS]
    parts.append("</ul></div>")
    sa = result.stretch
    if sa is not None:
        parts.append(f"<h2>Stretch: {e(stretch_title(sa.stretch))}</h2>"
                     f"<p class='headline'>Verdict: {e(sa.verdict.replace('_', ' '))}</p><ul>")
        parts += [f"<li>{e(m)}</li>" for m in sa.messages]
        parts.append("</ul>")
        if c.stretch_rows:
            parts.append(_table(("#", "side", "verdict", "hold", "reached",
                                 "peak speed in / out", "bouncing"), c.stretch_rows))
        if c.stretch_figure is not None:
            parts.append("<p>" + _img(c.stretch_figure.png(), "image/png", "stretch timeline",
                                      "plot") + "</p>")
    if c.key_frames:
        parts.append("<h2>Key frames</h2><div class='frames'>")
        for frame in c.key_frames:
            cap = frame.caption
            parts.append(f"<figure>{_img(_jpeg(frame.image), 'image/jpeg', cap)}"
                         f"<figcaption>{e(cap)}</figcaption></figure>")
        parts.append("</div><p class='cite'>Orange = your left side, blue = your right side. "
                     "Angles are those of the frame shown; findings use the whole recording."
                     "</p>")
    parts.append("<h2>Measures</h2>")
    parts.append(_table(("measure", "median (90% likely range)", "10th to 90th percentile",
                         "valid frames",
                         "positive means"), c.measure_rows))
    for fig, alt in ((c.summary_figure, "measures against their thresholds"),
                     (c.measures_figure, "measures over time")):
        if fig is not None:
            parts.append("<p>" + _img(fig.png(), "image/png", alt, "plot") + "</p>")
    parts.append("<h2>Sources</h2><ul>")
    parts += [f"<li>{e(d)}: {e(doc_title(d))}</li>" for d in c.cited_docs]
    parts.append("</ul><p class='cite'>Thresholds marked as rules of thumb are heuristic, not "
                 "clinical cut-offs. Generated by posture-check on this computer; nothing was "
                 "sent anywhere.</p></body></html>")
    return "\n".join(parts)


def write_html(result, path: str | os.PathLike[str], since=None, *,
               content: ReportContent | None = None) -> Path:
    """Write the HTML report atomically; return the path."""
    write_text_atomic(path, html_text(result, since, content=content))
    return Path(path)
