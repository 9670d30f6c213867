"""The live engine behind the webcam check: frames in, annotated frames and a snapshot out.

One :class:`LiveEngine` per browser session (it owns its own :class:`PoseEstimator`, so several
sessions never share landmarker or filter state). It is plain Python, testable without
Streamlit; the app's webrtc frame callback only converts frames and calls it.

Per frame (:meth:`LiveEngine.process`): pose landmarks (MediaPipe, live mode) -> online measures
(:class:`posture_check.measures.LiveMeasures`: One Euro smoothing, findings over the last
``window_s`` seconds) -> the online stretch checker when a stretch is chosen
(:class:`posture_check.stretch.OnlineStretchChecker`) -> guidance when the view is wrong for
what is asked -> the frame annotated with the skeleton and the angles.

Real time (decided here):

* Frames are never queued without bound. :meth:`LiveEngine.process_newest` takes the frames that
  arrived while the previous one was being processed, processes only the newest and counts the
  others as dropped (streamlit-webrtc's ``queued_video_frames_callback`` hands over exactly that
  list). :class:`~posture_check.live.mailbox.LatestFrameSlot` is the same policy as a one-slot
  mailbox between a producer (a camera, the benchmark's clock) and a consumer thread.
* The live landmarker follows one person (``num_poses=1`` by default): someone in front of their
  webcam is the most prominent person, and it saves ~8 ms a frame against 3 candidates.
* Latency is from a frame's arrival (the caller's ``arrival_s``, ``time.perf_counter`` clock) to
  its annotated frame being ready; the last 300 values are kept for the snapshot's p50 / p95.

Thread safety: :meth:`process` runs on the media thread, :meth:`snapshot`, :meth:`configure` and
:meth:`session_series` on the UI thread; shared state is swapped under one lock and snapshots are
immutable.

Session summary: the landmarks of processed frames (not the video: nothing is stored but
numbers) are kept for the last ``max_record_s`` seconds, so the end of a session can be analysed
and exported exactly like a recorded video (:meth:`session_series`).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from posture_check.analysis.pipeline import analyze_series
from posture_check.analysis.results import AnalysisResult
from posture_check.draw import AngleAnnotator
from posture_check.errors import PostureCheckError
from posture_check.live.config import FOCUS, LiveConfig
from posture_check.live.cues import Cue, LiveCues
from posture_check.live.guidance import (
    FEET,
    HEAD_AND_SHOULDERS,
    all_inside,
    guidance,
    stretch_in_view,
)
from posture_check.live.overlay import FRONTAL_ANGLES, annotate
from posture_check.live.recorder import SessionRecorder
from posture_check.live.routine import RoutineDriver
from posture_check.live.setup import LiveSetup, LiveSetupState
from posture_check.measures import Finding, LiveMeasures, LiveResult
from posture_check.measures.body_frame import subject_yaw_deg
from posture_check.measures.view import classify_view
from posture_check.pose.estimator import EstimatorOptions, PoseEstimator
from posture_check.pose.series import PoseSeries
from posture_check.presentation import measure_label, value_text
from posture_check.stretch import CATALOGUE, LiveFeedback, OnlineStretchChecker
from posture_check.stretch.catalogue import stretch_title
from posture_check.stretch.routine import RoutineState

__all__ = ["LiveConfig", "LiveEngine", "LiveSnapshot"]  # LiveConfig re-exported: callers build one


@dataclass(frozen=True)
class LiveSnapshot:
    """Everything the UI shows, for the latest processed frame (immutable, thread-safe).

    Attributes:
        t_s: timestamp of the latest processed frame (s, the camera's clock).
        frames_processed / frames_dropped: counters since the session (re)started.
        fps: processed frames per second over the last ~2 s.
        latency_ms_p50 / latency_ms_p95: arrival -> annotated frame, last 300 frames (ms).
        person: a person was found in the latest frame.
        view: detected view ("front", "left_side", ..., "none").
        values: smoothed measures (degrees / cm; NaN where gated out), subject's own sides.
        reasons: per measure "ok" or why it is gated out.
        findings: findings over the last ``window_s`` seconds.
        shown: the one value per measure the page shows, in the table and drawn on the frame
            (median over the findings' window, equal to the findings' values; see
            :class:`posture_check.measures.LiveResult`).
        overlay: measure -> the text drawn on the latest annotated frame (from ``shown``).
        recorded_s / recording_full: seconds of landmarks recorded for the summary, and whether
            the recording reached ``config.max_record_s`` (later frames are not recorded).
        stretch: live stretch feedback (None in the posture check).
        guidance: plain sentences telling the person how to fix the view, most important first.
        config: the configuration in force.
        setup: the set-up checklist of the latest frame and whether measuring has started
            (:mod:`posture_check.live.setup`; None before the first frame). In the posture
            check nothing is measured before it is ready.
        cues: the last spoken cues of a stretch check, oldest first
        (:mod:`posture_check.live.cues`).
    """

    t_s: float = math.nan
    frames_processed: int = 0
    frames_dropped: int = 0
    fps: float = 0.0
    latency_ms_p50: float = math.nan
    latency_ms_p95: float = math.nan
    person: bool = False
    view: str = "none"
    values: dict[str, float] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    shown: dict[str, float] = field(default_factory=dict)
    overlay: dict[str, str] = field(default_factory=dict)
    recorded_s: float = 0.0
    recording_full: bool = False
    stretch: LiveFeedback | None = None
    guidance: tuple[str, ...] = ()
    config: LiveConfig = field(default_factory=LiveConfig)
    setup: LiveSetupState | None = None
    cues: tuple[Cue, ...] = ()
    routine: RoutineState | None = None

    @property
    def measuring(self) -> bool:
        """Measures are being taken: the set-up held (a stretch is always timed)."""
        cfg = self.config
        return (cfg.stretch is not None or cfg.routine is not None or cfg.setup_hold_s is None
                or (self.setup is not None and self.setup.ready))

    def value(self, measure: str) -> float:
        """The value shown for ``measure`` (see ``shown``; NaN if none)."""
        return float(self.shown.get(measure, math.nan))

    def table(self) -> list[tuple[str, str]]:
        """(label, value text) rows of the live table: what is checked in this mode.

        Posture facing the camera: lean, hip and shoulder height, foot turn-out; side view:
        the trunk-thigh angle and the forward bend; a stretch: the angle being timed. Values are
        ``shown`` (the same numbers the overlay and the findings use)."""
        cfg = self.config
        step = self.routine.current if self.routine is not None else None
        if step is not None and self.routine.phase == "stretch":
            st = CATALOGUE[step.stretch]
            angle = st.angle_name(step.side if step.side != "both" else "left")
            label = f"{step.title}: {measure_label(angle).lower()}"
            a = self.stretch.angle_deg if self.stretch is not None else math.nan
            return [(label, value_text(angle, a))]
        if cfg.stretch is not None:
            angle = cfg.stretch_angle_name or ""
            label = f"{stretch_title(cfg.stretch)}: {measure_label(angle).lower()}"
            a = self.stretch.angle_deg if self.stretch is not None else math.nan
            return [(label, value_text(angle, a))]
        return [(measure_label(m), value_text(m, self.value(m))) for m in FOCUS[cfg.focus][1]]


class LiveEngine:
    """Live pose -> measures -> stretch feedback -> annotated frame, one per browser session."""

    def __init__(self, config: LiveConfig | None = None,
                 estimator: PoseEstimator | None = None) -> None:
        self._lock = threading.Lock()
        self._proc_lock = threading.Lock()  # one frame at a time through the estimator
        self.config = config or LiveConfig()
        self._own_estimator = estimator is None
        self._estimator = estimator or PoseEstimator(EstimatorOptions(
            model_path=self.config.model_path, running_mode="live",
            num_poses=self.config.num_poses))
        self._people_estimator: PoseEstimator | None = None  # made at the first set-up probe
        self._pending: LiveConfig | None = None
        self._force_reset = False
        self._reset_state(self.config)

    # ------------------------------------------------------------------ state
    def _reset_state(self, config: LiveConfig) -> None:
        self.config = config
        # one annotator per engine: its ``drawn`` texts go in the snapshots
        angle = config.stretch_angle_name
        self._angles = AngleAnnotator(show=None if angle is None else [*FRONTAL_ANGLES, angle])
        self._measures = LiveMeasures(window_s=config.window_s, height_m=config.height_m,
                                      pain_side=config.pain_side)  # type: ignore[arg-type]
        self._checker = (OnlineStretchChecker(config.stretch, config.stretch_side)
                         if config.stretch else None)
        self._recorder = SessionRecorder(config.max_record_s)
        self._setup = LiveSetup("front" if config.stretch is None and config.routine is None
                                and config.focus == "front" else "side",
                                hold_s=config.setup_hold_s or 0.0,
                                count_people=self._count_people)
        self._routine = (RoutineDriver(config.routine, config.pain_side, config.rest_s)
                         if config.routine else None)
        # in a routine, the routine says "switch sides" when it moves to the other side
        self._cues = LiveCues(sided=config.routine is None and config.stretch_side != "both")
        self._latency_ms: deque[float] = deque(maxlen=300)
        self._done_at: deque[float] = deque(maxlen=90)
        self._processed = 0
        self._dropped = 0
        self._last_t = -math.inf
        self._snapshot = LiveSnapshot(config=config)

    def configure(self, config: LiveConfig) -> None:
        """Switch what is checked; takes effect at the next frame and restarts the session
        counters, filters, findings and recording (unchanged config: no-op)."""
        with self._lock:
            if config != self.config:
                self._pending = config

    def reset(self) -> None:
        """Start a new session with the same configuration."""
        with self._lock:
            self._force_reset = True

    def _count_people(self, rgb: np.ndarray) -> int:
        """People in ``rgb`` by a still-image landmarker asked for up to 3 (the set-up check's
        "one person" item; the live landmarker follows one and cannot see a second)."""
        if self._people_estimator is None:
            self._people_estimator = PoseEstimator(EstimatorOptions(
                model_path=self.config.model_path, running_mode="image", num_poses=3))
        return int(self._people_estimator.process_image(rgb).counts[0])

    def close(self) -> None:
        """Release the landmarkers (the live one if this engine created it)."""
        with self._proc_lock:
            if self._own_estimator:
                self._estimator.close()
            if self._people_estimator is not None:
                self._people_estimator.close()
                self._people_estimator = None

    def __enter__(self) -> LiveEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ frames
    def process_newest(self, frames: Sequence[tuple[float, np.ndarray]],
                       arrival_s: float | None = None) -> np.ndarray:
        """Process only the newest of ``frames`` (those that piled up while busy); the others
        count as dropped. Returns the newest frame annotated."""
        if not frames:
            raise ValueError("process_newest needs at least one (t_s, rgb) frame, got 0")
        with self._lock:
            self._dropped += len(frames) - 1
        t_s, rgb = frames[-1]
        return self.process(rgb, t_s, arrival_s)

    def process(self, rgb: np.ndarray, t_s: float, arrival_s: float | None = None) -> np.ndarray:
        """One frame (RGB uint8, camera time ``t_s`` in s) -> the annotated frame.

        ``arrival_s`` is when the frame arrived (``time.perf_counter()`` clock; default: now),
        for the latency figures.
        """
        arrival = time.perf_counter() if arrival_s is None else arrival_s
        with self._lock:
            pending, self._pending = self._pending, None
            if pending is not None or self._force_reset:
                self._force_reset = False
                self._reset_state(pending or self.config)
            config = self.config
            if t_s <= self._last_t:  # the camera clock went back (new stream): keep order
                t_s = self._last_t + 1e-3
            self._last_t = t_s
            measures, checker, recorder = self._measures, self._checker, self._recorder
            angles, live_setup, cues = self._angles, self._setup, self._cues
            routine = self._routine
        with self._proc_lock:
            frame = self._estimator.process_frame(rgb, t_s)
            setup = live_setup.update(frame, rgb)
            if (config.stretch is None and config.routine is None
                    and config.setup_hold_s is not None and not setup.ready):
                # set up first, then measure
                result = LiveResult(t_s, {}, {}, str(classify_view(subject_yaw_deg(
                    frame.world))[0]))
            else:
                result = measures.update(frame)
            feedback = None
            routine_state = None
            if routine is not None:  # the routine's current step has its own checker
                feedback, routine_state = routine.update(
                    frame, lambda st: stretch_in_view(st, result.view))
                if routine_state.event in ("switch_sides", "next_stretch", "done"):
                    cues.say(t_s, routine_state.event)
                checker = routine.checker
            elif checker is not None:
                in_view = stretch_in_view(checker.stretch, result.view)
                feedback = checker.update_frame(frame, in_view)  # stable facing kept across frames
            cues.update(feedback, t_s)
            target = checker.stretch.min_hold_s if checker is not None else None
            angle_name = routine.angle_name if routine is not None else config.stretch_angle_name
            timed = ((angle_name or "", feedback.angle_deg)
                     if feedback is not None else None)
            out = (annotate(rgb, frame, result, feedback, target, angles, timed)
                   if config.draw else rgb)
            overlay = dict(angles.drawn) if config.draw else {}
            recorder.add(frame)
            recorded_s, full = recorder.duration_s, recorder.full
        img = frame.image[0]
        person = bool(frame.detected[0])
        step = routine_state.current if routine_state is not None else None
        gcfg = config if step is None else LiveConfig(stretch=step.stretch)  # the step's view
        guide = guidance(person, result.view, person and all_inside(img, FEET),
                         person and all_inside(img, HEAD_AND_SHOULDERS), gcfg, result.reasons)
        done = time.perf_counter()
        with self._lock:
            if measures is not self._measures:  # reconfigured meanwhile: drop this result
                return out
            self._processed += 1
            self._latency_ms.append((done - arrival) * 1000.0)
            self._done_at.append(done)
            lat = np.asarray(self._latency_ms)
            span = self._done_at[-1] - self._done_at[0] if len(self._done_at) > 1 else 0.0
            self._snapshot = LiveSnapshot(
                t_s=t_s, frames_processed=self._processed, frames_dropped=self._dropped,
                fps=(len(self._done_at) - 1) / span if span > 0 else 0.0,
                latency_ms_p50=float(np.percentile(lat, 50)),
                latency_ms_p95=float(np.percentile(lat, 95)),
                person=person, view=result.view, values=dict(result.values),
                reasons=dict(result.reasons), findings=tuple(result.findings),
                shown=dict(result.shown), overlay=overlay, recorded_s=recorded_s,
                recording_full=full,
                stretch=feedback, guidance=guide, config=config, setup=setup,
                cues=tuple(cues.history), routine=routine_state)
        return out

    # ------------------------------------------------------------------ outputs
    def snapshot(self) -> LiveSnapshot:
        """The latest state (immutable; safe to read from any thread)."""
        with self._lock:
            return self._snapshot

    def session_result(self) -> AnalysisResult:
        """This session's recorded landmarks analysed like a video, with the newest
        configuration's options (End session): findings, stretch form, reports."""
        series = self.session_series()
        if series is None:
            raise PostureCheckError("no camera frames were processed yet")
        with self._lock:
            config = self._pending or self.config
        return analyze_series(series, config.analysis_options())

    def session_series(self) -> PoseSeries | None:
        """Landmarks of this session's processed frames (None before the first frame)."""
        with self._lock:
            recorder = self._recorder
        with self._proc_lock:
            return recorder.series()
