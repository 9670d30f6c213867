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
import re
import tempfile
import time
from pathlib import Path

import streamlit as st

from posture_check import cue_panel, measure_panel, routine_panel, setup_panel
from posture_check.analysis import analyze, analyze_series
from posture_check.errors import PostureCheckError
from posture_check.history import file_sha256
from posture_check.history import page as history_page
from posture_check.measures import NOT_A_DIAGNOSIS, RED_FLAGS, RED_FLAGS_HEADING
from posture_check.presentation import (
    SEVERITY_COLORS,
    SEVERITY_LABELS,
    SEVERITY_ORDER,
    doc_title,
    error_text,
    measure_label,
    severity_label,
    stretch_title,
    view_label,
)
from posture_check.report import csv_text, dumps, html_text, pdf_bytes, write_video
from posture_check.report.content import ReportContent, build_content
from posture_check.results import AnalysisOptions, AnalysisResult
from posture_check.stretch import CATALOGUE

SAMPLE_DIR = Path(__file__).resolve().parent / "sample_videos"
DEFAULT_SAMPLE = "foot_turnout_right30_left5_front.mp4"
MAX_UPLOAD_MB = 500  # must match server.maxUploadSize in .streamlit/config.toml
# Coloured words, not emoji (presentation.SEVERITY_COLORS).
SEVERITY_STYLE = {sev: c.app for sev, c in SEVERITY_COLORS.items()}


# ---------------------------------------------------------------------------------- shared
def safety_notice() -> None:
    """The 'not a diagnosis' notice and the red flags: on every page that shows findings."""
    st.info(NOT_A_DIAGNOSIS, icon="ℹ️")
    with st.expander("Red flags: see a clinician now", expanded=False):
        st.markdown(RED_FLAGS_HEADING)
        st.markdown("\n".join(f"- {f.text} ({doc_title(f.reference)})" for f in RED_FLAGS))


def finding_line(f) -> str:
    word = severity_label(f)
    color = {SEVERITY_LABELS["borderline"]: "blue", SEVERITY_LABELS["uncertain"]: "gray"}.get(
        word, SEVERITY_STYLE.get(f.severity, "gray"))
    return f":{color}[**{word}**]: {f.message}"


def show_findings(findings, warnings=(), fold_not_measured: bool = True) -> None:
    """Measured findings first (most serious first); the "not measured" ones folded below."""
    ranked = sorted(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 9))
    measured = [f for f in ranked if f.severity != "not_measured"]
    missing = [f for f in ranked if f.severity == "not_measured"]
    for f in measured:
        st.markdown(finding_line(f))
    if missing and fold_not_measured:
        names = ", ".join(measure_label(f.measure).lower() for f in missing)
        with st.expander(f"Not measured in this view ({len(missing)}): {names}"):
            for f in missing:
                st.markdown(finding_line(f))
    for w in warnings:
        st.warning(getattr(w, "message", str(w)))


def sample_title(name: str) -> str:
    """A sample clip by what it shows (its label file's description, first sentence, without
    the parenthesised machine names)."""
    try:
        text = json.loads((SAMPLE_DIR / name).with_suffix(".json").read_text())["description"]
    except (OSError, ValueError, KeyError):
        return Path(name).stem.replace("_", " ")
    text = re.sub(r"\s*\([^)]*\)?", "", str(text)).strip()
    return text.split(". ")[0].rstrip(".") or Path(name).stem.replace("_", " ")


# ---------------------------------------------------------------------------------- analysis
def run_analysis(path: Path, options: AnalysisOptions) -> dict:
    """Analyse ``path`` and render every download and picture in memory (the file may be
    deleted after). Computed once per input and options (see :func:`cached_analysis`)."""
    bar = st.progress(0.0, text="Finding the body in each frame...")
    try:
        def progress(done: int, total: int) -> None:
            if total:
                bar.progress(min(done / total, 1.0), text=f"Frame {done} of {total}")

        result = analyze(path, options, progress=progress)
        sha256 = file_sha256(path)  # for "Save to my progress": an upload is deleted after this
        bar.progress(1.0, text="Writing the reports...")
        content = build_content(result)  # key frames and figures drawn once for all
        downloads = report_downloads(result, since=history_page.report_since(result),
                                     content=content)
        if result.input.kind == "video":
            with tempfile.TemporaryDirectory(prefix="posture-check-video-") as tmp:
                out = write_video(result, Path(tmp) / f"{path.stem}_annotated.mp4")
                downloads["video"] = (out.read_bytes(), out.name, "video/mp4")
        return {"result": result, "downloads": downloads, "view": result_view(result, content),
                "sha256": sha256}
    finally:
        bar.empty()  # the progress label goes away, also on an error


def cached_analysis(key: tuple, compute) -> dict:
    """The analysis of one input with one set of options, computed once per session: reruns
    (a download click, a widget change) reuse it. Keeps the last three."""
    cache: dict = st.session_state.setdefault("analysis_cache", {})
    if key not in cache:
        cache[key] = compute()
        while len(cache) > 3:
            cache.pop(next(iter(cache)))
    return cache[key]


def report_downloads(result: AnalysisResult, since=None,
                     content: ReportContent | None = None) -> dict:
    """In-memory downloads; ``since`` adds the PDF/HTML "Since your baseline" section."""
    stem = Path(result.input.file_name).stem
    content = content or build_content(result)
    return {
        "pdf": (pdf_bytes(result, since, content=content), f"{stem}.pdf", "application/pdf"),
        "html": (html_text(result, since, content=content).encode(), f"{stem}.html",
                 "text/html"),
        "json": (dumps(result).encode(), f"{stem}.json", "application/json"),
        "csv": (csv_text(result).encode(), f"{stem}.csv", "text/csv"),
    }


def result_view(result: AnalysisResult, content: ReportContent | None = None) -> dict:
    """What the page shows of a result, from its report content (reruns only show it)."""
    c = content or build_content(result)
    stretch_png = c.stretch_figure.png() if c.stretch_figure is not None else None
    measures_png = c.measures_figure.png() if c.measures_figure is not None else None
    frames = [(f"{f.key_frame.t_s:.1f} s, {f.key_frame.label}", f.image) for f in c.key_frames]
    return {"headline": c.headline, "stretch_png": stretch_png, "measures_png": measures_png,
            "frames": frames}


def show_result(done: dict, key: str) -> None:
    result, downloads = done["result"], done["downloads"]
    view = done.get("view") or result_view(result)
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
    labels = {"pdf": "PDF report", "html": "HTML report", "json": "JSON", "csv": "CSV",
              "video": "Annotated video"}
    for col, (fmt, (data, name, mime)) in zip(cols, downloads.items(), strict=True):
        # on_click="ignore": a download does not rerun the page
        col.download_button(f"⬇ {labels[fmt]}", data, file_name=name, mime=mime,
                            key=f"dl-{key}-{fmt}", on_click="ignore")


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
                                  index=index, format_func=sample_title)
        else:
            upload = st.file_uploader(
                f"Video (mp4, mov, avi, webm) or photo (jpg, png), up to {MAX_UPLOAD_MB} MB. "
                "It stays on this computer and is deleted after the analysis.",
                type=["mp4", "mov", "avi", "webm", "mkv", "m4v", "jpg", "jpeg", "png"])
        stretch = st.selectbox("Stretch to check (optional)", ["none", *CATALOGUE],
                               format_func=stretch_title)
        pain = st.selectbox("Side of the pain (optional)", ["not said", "left", "right"])
        submitted = st.form_submit_button("Analyse", type="primary")
    if submitted:
        options = AnalysisOptions(stretch=None if stretch == "none" else stretch,
                                  pain_side=None if pain == "not said" else pain,
                                  baseline=history_page.analysis_baseline())
        path = None
        shown = None
        try:
            if upload is not None:
                shown = Path(upload.name).name
                key = ("upload", upload.file_id, upload.size, repr(options))

                def compute() -> dict:
                    nonlocal path
                    with tempfile.TemporaryDirectory(prefix="posture-check-upload-") as tmp:
                        path = Path(tmp) / shown
                        path.write_bytes(upload.getbuffer())
                        return run_analysis(path, options)

                st.session_state["analysis"] = cached_analysis(key, compute)
            elif sample:
                p = SAMPLE_DIR / sample
                key = ("sample", sample, p.stat().st_mtime_ns, repr(options))
                st.session_state["analysis"] = cached_analysis(
                    key, lambda: run_analysis(p, options))
            else:
                st.warning("Choose a file first.")
        except PostureCheckError as exc:
            st.session_state.pop("analysis", None)
            st.error(f"Could not analyse {shown or 'this file'}: {error_text(exc, path, shown)}")
    done = st.session_state.get("analysis")
    if done:
        show_result(done, key="analysis")
        history_page.save_control(done["result"], key="analysis",
                                  source_sha256=done.get("sha256"))


# ---------------------------------------------------------------------------------- live
#: The live check's modes -> (focus, stretch) and the label shown.
LIVE_MODES: dict[str, tuple[str, str | None, str]] = {
    "posture": ("front", None, "Posture (facing the camera)"),
    "side": ("side", None, "Pelvic tilt (side view)"),
    **{f"stretch:{n}": ("front", n, f"Stretch: {s.title}") for n, s in CATALOGUE.items()},
    "routine": ("front", None, "Guided stretch routine"),
}


def live_engine(config):
    """One engine (one landmarker) per browser session, created on first use."""
    from posture_check.live_engine import LiveEngine

    engine = st.session_state.get("live_engine")
    if engine is None:
        engine = LiveEngine(config)
        st.session_state["live_engine"] = engine
    engine.configure(config)
    return engine


def live_page() -> None:
    import av
    from streamlit_webrtc import WebRtcMode, webrtc_streamer

    from posture_check.live_engine import LiveConfig
    from posture_check.webrtc import restrict_media_to_loopback, rtc_configuration

    restrict_media_to_loopback()
    st.header("Live check")
    c1, c2, c3 = st.columns(3)
    mode = c1.selectbox("Check", list(LIVE_MODES), format_func=lambda m: LIVE_MODES[m][2])
    focus, stretch, _ = LIVE_MODES[mode]
    side = "left"
    if stretch is not None and CATALOGUE[stretch].sided:  # only where it means something
        side = c2.selectbox("Stretched side", ["left", "right"], format_func=str.capitalize)
    pain = c3.selectbox("Side of the pain", ["not said", "left", "right"], key="live-pain")
    routine, rest_s = routine_panel.choose_routine(st) if mode == "routine" else (None, 0.0)
    config = LiveConfig(focus=focus, stretch=stretch, side=side,
                        pain_side=None if pain == "not said" else pain,
                        routine=routine, rest_s=rest_s)
    muted = (stretch is not None or routine is not None) and not st.toggle(
        "Speak the cues", value=True, key="live-voice",
        help="Hold, ten seconds more, slower, stop bouncing, switch sides: said by this "
             "browser, only when something changes")
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
            rtc_configuration=rtc_configuration(),
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
            result = analyze_series(series, AnalysisOptions(
                stretch=stretch, stretch_side=side if stretch and CATALOGUE[stretch].sided
                else None, pain_side=config.pain_side))
            content = build_content(result)
            st.session_state["live_summary"] = {"result": result,
                                                "downloads": report_downloads(result,
                                                                              content=content),
                                                "view": result_view(result, content),
                                                "recording_full": engine.snapshot().recording_full}
            st.session_state["live_last"] = engine.snapshot()
            last_routine = engine.snapshot().routine
            st.session_state["live_routine"] = (
                (series, last_routine.results, config.pain_side)
                if last_routine is not None and last_routine.results else None)
            engine.reset()
        except PostureCheckError as exc:
            st.error(f"No summary: {error_text(exc)}")
    summary = st.session_state.get("live_summary")
    if summary:
        st.markdown("---")
        st.markdown("### Session summary")
        if summary.get("recording_full"):
            st.caption(f"The recording was full: the summary covers the first "
                       f"{config.max_record_s / 60:.0f} minutes.")
        routine_done = st.session_state.get("live_routine")
        if routine_done:  # the guided routine: sides compared, each step saved on its own
            st.markdown(routine_panel.summary_markdown(routine_done[1]))
            if st.button("Save the routine to my progress"):
                from posture_check.routine_history import save_routine

                ids = save_routine(*routine_done[:2], history_page.current_profile(),
                                   pain_side=routine_done[2])
                st.success(f"Saved {len(ids)} stretch session(s) of the routine to my progress.")
        show_result(summary, key="live")
        history_page.save_control(summary["result"], key="live")  # My progress: saves as "live"

    if not ctx.state.playing:  # stopped: keep the last reading on screen
        snap = engine.snapshot()
        measured = any(math.isfinite(v) for v in snap.shown.values()) or snap.stretch
        # a reading with no values yet (the session restarted after End session): the last one
        last = snap if measured else st.session_state.get("live_last", snap)
        if last is not None and last.frames_processed:
            with panel.container():
                st.caption("Camera stopped: the last reading.")
                render_snapshot(last, muted=True)  # stopped: nothing more is said
    while ctx.state.playing:
        snap = engine.snapshot()
        with panel.container():
            render_snapshot(snap, muted)
        time.sleep(0.5)


def render_snapshot(snap, muted: bool = False) -> None:
    """The live panel: view, counters, guidance, the table of this mode, stretch feedback and
    the current findings; every number comes from ``snap.shown`` (the overlay draws the same)."""
    st.markdown(f"**View:** {view_label(snap.view)} · **frames processed:** "
                f"{snap.frames_processed} · {snap.fps:.0f} fps")
    setup_panel.render_setup(snap, compact=snap.measuring)
    routine_panel.render_routine(snap)
    for text in snap.guidance if snap.measuring else ():  # before: the checklist's fixes
        st.warning(text)
    if snap.recording_full:
        st.info(f"The recording for the summary is full ({snap.config.max_record_s / 60:.0f} "
                "minutes): the live check goes on, but press End session for a summary of "
                "what was recorded.")
    rows = [f"| {label} | {value} |" for label, value in snap.table()]
    head = "| stretch | now |" if snap.config.stretch or snap.config.routine else \
        f"| measure | last {snap.config.window_s:.0f} s |"
    st.markdown(head + "\n|---|---|\n" + "\n".join(rows))
    if snap.stretch is not None:
        fb = snap.stretch
        cue_panel.render_timer_and_cues(snap, muted)  # big timer, cues said, speech
        st.markdown(f"**{fb.message}** · repetitions: {fb.rep_count}")
    elif snap.routine is not None:  # a rest or the end of a routine: the cues go on
        cue_panel.render_timer_and_cues(snap, muted)
    elif snap.findings:
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
