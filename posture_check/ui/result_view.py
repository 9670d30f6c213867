"""An analysed recording on a page (Streamlit): headline, stretch form, findings, measure
cards, set-up, key frames, the measures plot and the downloads. Shared by the analysis page
and the live check's session summary."""

from __future__ import annotations

import streamlit as st

from posture_check.analysis.results import AnalysisResult
from posture_check.presentation import FORMAT_LABELS, PHOTO_VISUAL_LABEL
from posture_check.report import render_reports
from posture_check.report.content import ReportContent, build_content
from posture_check.stretch.catalogue import stretch_title
from posture_check.ui import measure_panel, setup_panel
from posture_check.ui.findings import safety_notice, show_findings

__all__ = ["prepare", "show_result"]

#: The downloads the page offers, in button order.
DOWNLOADS: tuple[str, ...] = ("pdf", "html", "json", "csv", "video")


def prepare(result: AnalysisResult, since=None, *, with_visual: bool = True) -> dict:
    """Everything the page shows of ``result``, rendered once in memory (the input file may be
    deleted after): ``{"result", "downloads", "view"}``. ``since`` adds the PDF/HTML "Since
    your baseline" section; ``with_visual``: offer the annotated video (or photo)."""
    content = build_content(result)  # key frames and figures drawn once for all
    formats = DOWNLOADS if with_visual else tuple(f for f in DOWNLOADS if f != "video")
    downloads = render_reports(result, formats, since=since, content=content)
    return {"result": result, "downloads": downloads, "view": _view(content)}


def _view(c: ReportContent) -> dict:
    """What the page shows of a result, from its report content (reruns only show it)."""
    stretch_png = c.stretch_figure.png() if c.stretch_figure is not None else None
    measures_png = c.measures_figure.png() if c.measures_figure is not None else None
    frames = [(f"{f.key_frame.t_s:.1f} s, {f.key_frame.label}", f.image) for f in c.key_frames]
    return {"headline": c.headline, "stretch_png": stretch_png, "measures_png": measures_png,
            "frames": frames}


def show_result(done: dict, key: str) -> None:
    """Show a prepared result (:func:`prepare`); ``key`` keeps its download buttons apart."""
    result, downloads, view = done["result"], done["downloads"], done["view"]
    st.subheader(view["headline"])
    safety_notice()
    if result.stretch is not None:  # what was asked for leads
        st.markdown(f"**Stretch form: {stretch_title(result.stretch.stretch)}**")
        for msg in result.stretch.messages:
            st.markdown(f"- {msg}")
        if view["stretch_png"] is not None:
            st.image(view["stretch_png"], caption="Stretch timeline: phases, hold and bounces")
    st.markdown("**Posture**")
    show_findings(result.findings, result.warnings)
    measure_panel.render_cards(result.findings)  # value, interval, usual range, picture
    setup_panel.render_recording_setup(result)  # the camera set-up of the first seconds
    if view["frames"]:
        cols = st.columns(len(view["frames"]))
        for col, (caption, rgb) in zip(cols, view["frames"], strict=True):
            col.image(rgb, caption=caption)
    if view["measures_png"] is not None:
        st.image(view["measures_png"], caption="Measures over time, with the threshold bands")
    cols = st.columns(len(downloads))
    for col, (fmt, r) in zip(cols, downloads.items(), strict=True):
        label = PHOTO_VISUAL_LABEL if fmt == "video" and result.input.kind != "video" \
            else FORMAT_LABELS[fmt]
        # on_click="ignore": a download does not rerun the page
        col.download_button(f"⬇ {label}", r.data, file_name=r.file_name, mime=r.mime,
                            key=f"dl-{key}-{fmt}", on_click="ignore")

