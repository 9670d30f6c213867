"""The app's "Live check" page (Streamlit + streamlit-webrtc): the mode, the webcam stream
through :class:`~posture_check.live.engine.LiveEngine`, the live panel and End session's
summary. Video goes from the browser to this local server only
(:mod:`posture_check.ui.webrtc`)."""

from __future__ import annotations

import math
import time

import streamlit as st

from posture_check.errors import PostureCheckError
from posture_check.live.config import LIVE_MODES, LiveConfig
from posture_check.presentation import error_text, view_label
from posture_check.stretch import CATALOGUE
from posture_check.ui import cue_panel, history_page, routine_panel, setup_panel
from posture_check.ui.findings import safety_notice, show_findings
from posture_check.ui.result_view import prepare, show_result

__all__ = ["live_page", "render_snapshot"]


def _engine(config: LiveConfig):
    """One engine (one landmarker) per browser session, created on first use."""
    from posture_check.live.engine import LiveEngine

    engine = st.session_state.get("live_engine")
    if engine is None:
        engine = LiveEngine(config)
        st.session_state["live_engine"] = engine
    engine.configure(config)
    return engine


def _choose_config() -> tuple[LiveConfig, bool]:
    """The mode, side and pain side picked on the page; and whether the cues are muted."""
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
    return config, muted


def _stream(engine):
    """The webcam stream: each batch of frames through the engine, newest only."""
    import asyncio

    import av
    from streamlit_webrtc import WebRtcMode, webrtc_streamer

    from posture_check.ui.webrtc import rtc_configuration

    async def on_frames(frames: list) -> list:
        arrival = time.perf_counter()
        batch = [(f.time if f.time is not None else arrival, f.to_ndarray(format="rgb24"))
                 for f in frames]
        out = await asyncio.get_running_loop().run_in_executor(
            None, engine.process_newest, batch, arrival)
        frame = av.VideoFrame.from_ndarray(out, format="rgb24")
        frame.pts, frame.time_base = frames[-1].pts, frames[-1].time_base
        return [frame]

    return webrtc_streamer(
        key="live", mode=WebRtcMode.SENDRECV, rtc_configuration=rtc_configuration(),
        media_stream_constraints={"video": True, "audio": False},
        queued_video_frames_callback=on_frames, async_processing=True)


def _end_session(engine, config: LiveConfig) -> None:
    """End session: the recorded landmarks analysed like a video, kept for the summary."""
    try:
        result = engine.session_result()
    except PostureCheckError as exc:
        st.error(f"No summary: {error_text(exc)}")
        return
    snap = engine.snapshot()
    st.session_state["live_summary"] = {**prepare(result, with_visual=False),
                                        "recording_full": snap.recording_full}
    st.session_state["live_last"] = snap
    st.session_state["live_routine"] = (
        (engine.session_series(), snap.routine.results, config.pain_side)
        if snap.routine is not None and snap.routine.results else None)
    engine.reset()


def _summary(config: LiveConfig) -> None:
    summary = st.session_state.get("live_summary")
    if not summary:
        return
    st.markdown("---")
    st.markdown("### Session summary")
    if summary.get("recording_full"):
        st.caption(f"The recording was full: the summary covers the first "
                   f"{config.max_record_s / 60:.0f} minutes.")
    routine_done = st.session_state.get("live_routine")
    if routine_done:  # the guided routine: sides compared, each step saved on its own
        st.markdown(routine_panel.summary_markdown(routine_done[1]))
        if st.button("Save the routine to my progress"):
            from posture_check.history.routines import save_routine

            ids = save_routine(*routine_done[:2], history_page.current_profile(),
                               pain_side=routine_done[2])
            st.success(f"Saved {len(ids)} stretch session(s) of the routine to my progress.")
    show_result(summary, key="live")
    history_page.save_control(summary["result"], key="live")  # My progress: saves as "live"


def live_page() -> None:
    """The page."""
    from posture_check.ui.webrtc import restrict_media_to_loopback

    restrict_media_to_loopback()
    st.header("Live check")
    config, muted = _choose_config()
    engine = _engine(config)
    video_col, panel_col = st.columns([3, 2])
    with video_col:
        ctx = _stream(engine)
        st.caption("Stand 2-3 m from the camera with your whole body, feet included, in view.")
    with panel_col:
        panel = st.empty()
    safety_notice()
    if st.button("End session and prepare the summary"):
        _end_session(engine, config)
    _summary(config)

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
    timed = snap.config.stretch or snap.config.routine
    if timed or any(math.isfinite(v) for v in snap.shown.values()):  # never a table of dashes
        head = "| stretch | now |" if timed else \
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
