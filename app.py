"""posture-check in the browser: live webcam check, video analysis and report downloads.

Run with ``make run`` (``streamlit run app.py``; bound to localhost, no usage statistics: see
``.streamlit/config.toml``). This file is UI only: every measurement, check and report comes from
the ``posture_check`` library. Video never leaves this machine: the webcam stream goes from the
browser to this local server only (no STUN/TURN servers), and an uploaded file lives in a
temporary folder that is removed as soon as its analysis and reports are done.
"""

from __future__ import annotations

import json
import math
import tempfile
import time
from pathlib import Path

import streamlit as st

from posture_check.analysis import AnalysisOptions, AnalysisResult, analyze, analyze_series
from posture_check.errors import PostureCheckError
from posture_check.history import file_sha256
from posture_check.history import page as history_page
from posture_check.measures import NOT_A_DIAGNOSIS, RED_FLAGS, RED_FLAGS_HEADING
from posture_check.report import csv_text, dumps, html_text, pdf_bytes, write_video
from posture_check.report.common import annotated_key_frames, headline
from posture_check.report.plots import measures_figure, png_bytes, stretch_figure
from posture_check.stretch import CATALOGUE

SAMPLE_DIR = Path(__file__).resolve().parent / "sample_videos"
DEFAULT_SAMPLE = "foot_turnout_right30_left5_front.mp4"
MAX_UPLOAD_MB = 500  # must match server.maxUploadSize in .streamlit/config.toml
# Coloured words, not emoji: they read the same without an emoji font.
SEVERITY_STYLE = {"flag": "red", "watch": "orange", "ok": "green", "not_measured": "gray"}
LIVE_MEASURES = ("foot_turnout_left", "foot_turnout_right", "lateral_lean", "pelvic_obliquity",
                 "pelvic_tilt")


# ---------------------------------------------------------------------------------- shared
def safety_notice() -> None:
    """The 'not a diagnosis' notice and the red flags: on every page that shows findings."""
    st.info(NOT_A_DIAGNOSIS, icon="ℹ️")
    with st.expander("Red flags: see a clinician now", expanded=False):
        st.markdown(RED_FLAGS_HEADING)
        st.markdown("\n".join(f"- {f.text} ({f.reference})" for f in RED_FLAGS))


def show_findings(findings, warnings=()) -> None:
    order = {"flag": 0, "watch": 1, "ok": 2, "not_measured": 3}
    for f in sorted(findings, key=lambda f: order.get(f.severity, 9)):
        color = SEVERITY_STYLE.get(f.severity, "gray")
        st.markdown(f":{color}[**{f.severity.replace('_', ' ')}**]: {f.message}")
    for w in warnings:
        st.warning(getattr(w, "message", str(w)))


def sample_description(video: Path) -> str:
    labels = video.with_suffix(".json")
    try:
        return json.loads(labels.read_text()).get("description", "")
    except (OSError, ValueError):
        return ""


# ---------------------------------------------------------------------------------- analysis
def run_analysis(path: Path, options: AnalysisOptions) -> dict:
    """Analyse ``path`` and render every download in memory (the file may be deleted after)."""
    bar = st.progress(0.0, text="Finding the body in each frame...")

    def progress(done: int, total: int) -> None:
        if total:
            bar.progress(min(done / total, 1.0), text=f"Frame {done} of {total}")

    result = analyze(path, options, progress=progress)
    sha256 = file_sha256(path)  # for "Save to my progress": an upload is deleted after this
    bar.progress(1.0, text="Writing the reports...")
    downloads = report_downloads(result, since=history_page.report_since(result))
    if result.input.kind == "video":
        with tempfile.TemporaryDirectory(prefix="posture-check-video-") as tmp:
            out = write_video(result, Path(tmp) / f"{path.stem}_annotated.mp4")
            downloads["video"] = (out.read_bytes(), out.name, "video/mp4")
    bar.empty()
    return {"result": result, "downloads": downloads, "sha256": sha256}


def report_downloads(result: AnalysisResult, since=None) -> dict:
    """In-memory downloads; ``since`` adds the PDF/HTML "Since your baseline" section."""
    stem = Path(result.input.file_name).stem
    return {
        "pdf": (pdf_bytes(result, since), f"{stem}.pdf", "application/pdf"),
        "html": (html_text(result, since).encode(), f"{stem}.html", "text/html"),
        "json": (dumps(result).encode(), f"{stem}.json", "application/json"),
        "csv": (csv_text(result).encode(), f"{stem}.csv", "text/csv"),
    }


def show_result(result: AnalysisResult, downloads: dict, key: str) -> None:
    st.subheader(headline(result))
    safety_notice()
    show_findings(result.findings, result.warnings)
    if result.stretch is not None:
        st.markdown("**Stretch form**")
        for msg in result.stretch.messages:
            st.markdown(f"- {msg}")
        fig = stretch_figure(result)
        if fig is not None:
            st.image(png_bytes(fig), caption="Stretch timeline: phases, hold and bounces")
    frames = annotated_key_frames(result)
    if frames:
        cols = st.columns(len(frames))
        for col, (kf, rgb) in zip(cols, frames, strict=True):
            col.image(rgb, caption=f"{kf.t_s:.1f} s {kf.label}")
    fig = measures_figure(result)
    if fig is not None:
        st.image(png_bytes(fig), caption="Measures over time, with the threshold bands")
    cols = st.columns(len(downloads))
    labels = {"pdf": "PDF report", "html": "HTML report", "json": "JSON", "csv": "CSV",
              "video": "Annotated video"}
    for col, (fmt, (data, name, mime)) in zip(cols, downloads.items(), strict=True):
        col.download_button(f"⬇ {labels[fmt]}", data, file_name=name, mime=mime,
                            key=f"dl-{key}-{fmt}")


def analysis_page() -> None:
    st.header("Analyse a video or a photo")
    source = st.radio("Source", ["Sample video", "Upload a file"], horizontal=True)
    with st.form("analysis-form"):
        upload = None
        sample = None
        if source == "Sample video":
            samples = sorted(p.name for p in SAMPLE_DIR.glob("*.mp4"))
            index = samples.index(DEFAULT_SAMPLE) if DEFAULT_SAMPLE in samples else 0
            sample = st.selectbox("Sample video (rendered, with known angles)", samples,
                                  index=index)
            if sample:
                st.caption(sample_description(SAMPLE_DIR / sample))
        else:
            upload = st.file_uploader(
                f"Video (mp4, mov, avi, webm) or photo (jpg, png), up to {MAX_UPLOAD_MB} MB. "
                "It stays on this computer and is deleted after the analysis.",
                type=["mp4", "mov", "avi", "webm", "mkv", "m4v", "jpg", "jpeg", "png"])
        stretch = st.selectbox("Stretch to check (optional)", ["none", *CATALOGUE])
        pain = st.selectbox("Side of the pain (optional)", ["not said", "left", "right"])
        submitted = st.form_submit_button("Analyse", type="primary")
    if submitted:
        options = AnalysisOptions(stretch=None if stretch == "none" else stretch,
                                  pain_side=None if pain == "not said" else pain,
                                  baseline=history_page.analysis_baseline())
        try:
            if upload is not None:
                with tempfile.TemporaryDirectory(prefix="posture-check-upload-") as tmp:
                    path = Path(tmp) / Path(upload.name).name
                    path.write_bytes(upload.getbuffer())
                    st.session_state["analysis"] = run_analysis(path, options)
            elif sample:
                st.session_state["analysis"] = run_analysis(SAMPLE_DIR / sample, options)
            else:
                st.warning("Choose a file first.")
        except PostureCheckError as exc:
            st.session_state.pop("analysis", None)
            st.error(f"Could not analyse this file: {exc}")
    done = st.session_state.get("analysis")
    if done:
        show_result(done["result"], done["downloads"], key="analysis")
        history_page.save_control(done["result"], key="analysis",
                                  source_sha256=done.get("sha256"))


# ---------------------------------------------------------------------------------- live
def live_engine(config):
    """One engine (one landmarker) per browser session, created on first use."""
    from posture_check.live import LiveEngine

    engine = st.session_state.get("live_engine")
    if engine is None:
        engine = LiveEngine(config)
        st.session_state["live_engine"] = engine
    engine.configure(config)
    return engine


def live_page() -> None:
    import av
    from streamlit_webrtc import WebRtcMode, webrtc_streamer

    from posture_check.live import LiveConfig, measure_label, measure_unit

    st.header("Live check")
    c1, c2, c3 = st.columns(3)
    mode = c1.selectbox("Check", ["Posture (facing the camera)", "Pelvic tilt (side view)",
                                  *(f"Stretch: {name}" for name in CATALOGUE)])
    side = c2.selectbox("Stretched side", ["left", "right"])
    pain = c3.selectbox("Side of the pain", ["not said", "left", "right"], key="live-pain")
    stretch = mode.removeprefix("Stretch: ") if mode.startswith("Stretch: ") else None
    config = LiveConfig(focus="side" if mode.startswith("Pelvic") else "front", stretch=stretch,
                        side=side, pain_side=None if pain == "not said" else pain)
    engine = live_engine(config)

    async def on_frames(frames: list) -> list:
        import asyncio

        arrival = time.perf_counter()
        batch = [(f.time if f.time is not None else arrival, f.to_ndarray(format="rgb24"))
                 for f in frames]
        out = await asyncio.get_running_loop().run_in_executor(
            None, engine.process_newest, batch, arrival)
        frame = av.VideoFrame.from_ndarray(out, format="rgb24")
        frame.pts, frame.time_base = frames[-1].pts, frames[-1].time_base
        return [frame]

    video_col, panel_col = st.columns([3, 2])
    with video_col:
        ctx = webrtc_streamer(
            key="live", mode=WebRtcMode.SENDRECV,
            rtc_configuration={"iceServers": []},  # localhost only: no STUN/TURN servers
            media_stream_constraints={"video": True, "audio": False},
            queued_video_frames_callback=on_frames, async_processing=True)
        st.caption("Stand 2-3 m from the camera with your whole body, feet included, in view.")
    with panel_col:
        panel = st.empty()
    safety_notice()
    if st.button("End session and prepare the summary"):
        series = engine.session_series()
        try:
            if series is None:
                raise PostureCheckError("no camera frames were processed yet")
            result = analyze_series(series, AnalysisOptions(stretch=stretch,
                                                            stretch_side=side if stretch else None,
                                                            pain_side=config.pain_side))
            st.session_state["live_summary"] = {"result": result,
                                                "downloads": report_downloads(result)}
            engine.reset()
        except PostureCheckError as exc:
            st.error(f"No summary: {exc}")
    summary = st.session_state.get("live_summary")
    if summary:
        show_result(summary["result"], summary["downloads"], key="live")
        history_page.save_control(summary["result"], key="live")  # My progress: saves as "live"

    while ctx.state.playing:
        snap = engine.snapshot()
        with panel.container():
            render_snapshot(snap, measure_label, measure_unit)
        time.sleep(0.5)


def render_snapshot(snap, measure_label, measure_unit) -> None:
    st.markdown(f"**View:** {snap.view.replace('_', ' ')} · **frames processed:** "
                f"{snap.frames_processed} · {snap.fps:.0f} fps")
    for text in snap.guidance:
        st.warning(text)
    rows = []
    for m in LIVE_MEASURES:
        v = snap.value(m)
        shown = "—" if not math.isfinite(v) else f"{v:+.1f} {measure_unit(m)}"
        rows.append(f"| {measure_label(m)} | {shown} |")
    st.markdown("| measure | now |\n|---|---|\n" + "\n".join(rows))
    if snap.stretch is not None:
        fb = snap.stretch
        st.metric("Hold", f"{fb.hold_s:.0f} s", help="time in the stretch position")
        st.markdown(f"**{fb.message}** · repetitions: {fb.rep_count}")
    if snap.findings:
        show_findings([f for f in snap.findings if f.severity in ("flag", "watch")])


# ---------------------------------------------------------------------------------- page
def main() -> None:
    st.set_page_config(page_title="posture-check", page_icon="🧍", layout="wide")
    st.title("posture-check")
    st.caption("Foot turn-out, leaning, pelvic tilt and stretch form from a camera. "
               "Everything runs on this computer.")
    page = st.sidebar.radio("Page", ["Analyse a video", "Live check", "My progress"])
    history_page.profile_picker()
    if page == "Live check":
        live_page()
    elif page == "My progress":
        history_page.progress_page()
    else:
        analysis_page()


main()
