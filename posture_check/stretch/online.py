"""Live stretch checker: one angle sample in, one piece of feedback out, constant work per frame.

Same rules as the offline analysis (:mod:`.form`), causal and sample by sample:

* Clean-up: a median of the last three samples drops single-frame spikes; two cascaded one-pole
  low-passes (4 Hz each, below 6-12 Hz tremor) smooth jitter; their coefficients come from the
  actual time step, so dropped frames and irregular timestamps need no resampling. The speed is
  the derivative of that, low-passed at 2 Hz. A 0.5 Hz low-pass ("slow") decides whether the
  person is in the stretch at all (hysteresis ``engage_deg`` on, ``engage_deg - 30 %`` off), so a
  bounce does not end a repetition.
* Phases: rest -> moving_in (slow level above ``engage_deg``) -> holding (the angle has been slow,
  or has not got any deeper, for 0.3 s; the hold start is back-dated to when that began) ->
  moving_out (the angle fell more than 12 deg, or 30 % of the excursion, below the hold level:
  beyond any bounce, so a release; the hold end is back-dated to the last moment near the hold
  level) -> rest.
* Repetitions: a hold counts once its angle reaches the target range (low end minus
  ``REACH_TOLERANCE_DEG``); "too short" is only said of such a hold.
* Faults, reported the frame they are recognised and latched for 2 s so the message does not
  flicker: ``too_fast`` (speed above the catalogue's slow limit; "slower"), ``pushing`` (a fast
  deepening during the hold), ``bouncing`` (three reversals of at least 7 deg peak-to-peak,
  i.e. one full down-and-up cycle, each half a period of 0.5-3 Hz apart and within a factor
  1.8 of each other: "stop bouncing"), ``too_short`` (a hold that ended early),
  ``not_reached`` (holding below the target range), ``no_tracking`` (no valid angle for 1.5 s).
  A bounce is named about 0.2 s after the extreme that completes its first cycle (filter delay
  included); a too-fast movement within 0.1-0.2 s of crossing the speed limit; a too-short hold
  as soon as the release is recognised. Live and offline use the same 7 deg swing threshold; live
  decides after one cycle (offline needs 2.5), which with 1.5-2 deg of jitter still never fired
  on noise alone in our seeded trials.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from posture_check.pose.series import PoseSeries
from posture_check.presentation import doc_title
from posture_check.stretch.angles import LiveAngles, lifted_ankle_side
from posture_check.stretch.bounce import (
    DETECT_BAND_HZ,
    MIN_SWING_DEG,
    PUSH_MIN_DEG,
    PUSH_SPEED_DEG_S,
)
from posture_check.stretch.catalogue import HOLD_GRACE_S, Stretch, get_stretch
from posture_check.stretch.form import REACH_TOLERANCE_DEG, select_angle
from posture_check.stretch.segmentation import prepare, segment

DOC_000 = doc_title("000")
DOC_003 = doc_title("003")
SMOOTH_HZ = 4.0
SPEED_HZ = 2.0
SLOW_HZ = 0.5
HOLD_DWELL_S = 0.3
FAULT_LATCH_S = 2.0
MAX_GAP_S = 1.5
N_REV = 3
MAX_HALF_RATIO = 1.8  # a bounce is a rhythm: its half-periods agree
EXIT_BAND_DEG = 12.0  # a release, not a bounce, once this far below the hold level
ONLINE_SWING_DEG = MIN_SWING_DEG
PRE_SAMPLES = 90  # rest samples kept before a movement in (3 s at 30 fps): the rest level
MAX_TRACE = 36_000  # samples kept for timing one hold (20 min at 30 fps)
FAULT_PRIORITY = ("no_tracking", "bouncing", "too_fast", "pushing", "too_short", "not_reached")


@dataclass(frozen=True)
class LiveFeedback:
    """What to show for the current frame.

    Attributes:
        t_s: the frame's timestamp (s).
        phase: "rest", "moving_in", "holding" or "moving_out".
        hold_s: the live hold timer (s; the last hold's length outside a hold).
        rep_count: repetitions so far: holds whose angle reached the stretch's target range
            (its low end minus ``REACH_TOLERANCE_DEG``). A shallow dip or the jitter of someone
            standing still is never a repetition.
        message: one short plain sentence.
        fault: the current fault name or None.
        angle_deg: filtered stretch angle (deg, catalogue sign).
        speed_deg_s: filtered angular speed magnitude (deg/s).
        remaining_s: seconds still to hold to reach the target minimum (0 when reached).
    """

    t_s: float
    phase: str
    hold_s: float
    rep_count: int
    message: str
    fault: str | None
    angle_deg: float
    speed_deg_s: float
    remaining_s: float


def _alpha(dt: float, fc_hz: float) -> float:
    return 1.0 - math.exp(-2.0 * math.pi * fc_hz * dt)


class OnlineStretchChecker:
    """Feed ``update(t_s, angle_deg)`` once per frame (``angle_deg`` may be NaN)."""

    def __init__(self, stretch: str | Stretch, side: str = "both") -> None:
        self.stretch = get_stretch(stretch)
        if side not in ("left", "right", "both"):
            raise ValueError(f"side must be 'left', 'right' or 'both', got {side!r}")
        self.side = side
        self.reset()

    def reset(self) -> None:
        """Forget everything (new session)."""
        self._angles = LiveAngles()
        self._raw: deque[float] = deque(maxlen=3)
        self._t_prev: float | None = None
        self._t_valid: float | None = None
        self._y1 = self._y2 = self._slow = self._v = math.nan
        self.phase = "rest"
        self.rep_count = 0
        self.hold_s = 0.0
        self._hold_t0 = 0.0
        self._hold_level = math.nan
        self._rest_level = math.nan
        self._peak_in = 0.0
        self._max_y = -math.inf
        self._t_max = 0.0
        self._t_slow_since: float | None = None
        self._t_last_near = 0.0
        # the depth since a little before the movement in began: at the release the hold is
        # timed on it by the recordings' own definition (segmentation.segment)
        self._pre: deque[tuple[float, float]] = deque(maxlen=PRE_SAMPLES)
        self._trace_t: list[float] = []
        self._trace_x: list[float] = []
        # bounce detector (hysteresis reversals on the smoothed depth)
        self._hi = self._lo = math.nan
        self._looking = 0
        self._rev_t: deque[float] = deque(maxlen=4)
        self._fast_since: float | None = None
        self._push_since: float | None = None
        self._faults: dict[str, float] = {}
        self._fault_info: dict[str, str] = {}
        self._last: LiveFeedback | None = None
        self._counted = False
        self._reach_deg = self.stretch.target_deg[0] - REACH_TOLERANCE_DEG

    # ------------------------------------------------------------------ helpers
    def _raise(self, fault: str, t: float, info: str = "") -> None:
        self._faults[fault] = t
        if info:
            self._fault_info[fault] = info

    def _current_fault(self, t: float) -> str | None:
        for f in FAULT_PRIORITY:
            if f in self._faults and t - self._faults[f] <= FAULT_LATCH_S:
                return f
        return None

    def _reversals(self, y: float, t: float) -> None:
        if math.isnan(self._hi):
            self._hi = self._lo = y
            self._t_hi = self._t_lo = t
            return
        if y > self._hi:
            self._hi, self._t_hi = y, t
        if y < self._lo:
            self._lo, self._t_lo = y, t
        if self._looking >= 0 and self._hi - y >= ONLINE_SWING_DEG:
            self._rev_t.append(self._t_hi)
            self._looking, self._lo, self._t_lo = -1, y, t
        elif self._looking <= 0 and y - self._lo >= ONLINE_SWING_DEG:
            self._rev_t.append(self._t_lo)
            self._looking, self._hi, self._t_hi = 1, y, t
        else:
            return
        if len(self._rev_t) >= N_REV and self.phase in ("moving_in", "holding"):
            halves = [self._rev_t[-i] - self._rev_t[-i - 1] for i in range(1, N_REV)]
            if (all(0.5 / DETECT_BAND_HZ[1] <= h <= 0.5 / DETECT_BAND_HZ[0] for h in halves)
                    and max(halves) <= MAX_HALF_RATIO * min(halves)):
                self._raise("bouncing", t, f"{0.5 * len(halves) / sum(halves):.1f} Hz")

    def _reset_bounce(self, y: float, t: float) -> None:
        self._hi = self._lo = y
        self._t_hi = self._t_lo = t
        self._looking = 0
        self._rev_t.clear()

    # ------------------------------------------------------------------ main
    def update_frame(self, frame: PoseSeries, in_view: bool = True) -> LiveFeedback:
        """Process one estimator frame (a 1-frame :class:`~posture_check.pose.series.PoseSeries`):
        the stretch's angle from the shared angle layer (:class:`~.angles.LiveAngles`: the
        measures' definitions and gating, a stable facing decision kept across frames), then
        :meth:`update`. ``in_view=False`` (the camera does not see the stretch's plane): the
        facing is still tracked, the checker gets no angle. Constant time and memory."""
        if len(frame) == 0:
            raise ValueError("update_frame needs a PoseSeries with one frame, got 0")
        f = frame[len(frame) - 1:]
        angles = {k: np.array([v]) for k, v in self._angles.update(f).items()}
        lifted = lifted_ankle_side(f) if self.stretch.side_rule == "lifted_ankle" else None
        angle = float(select_angle(angles, self.stretch, self.side, lifted)[0])
        return self.update(float(f.t_s[0]), angle if in_view else math.nan)

    def update(self, t_s: float, angle_deg: float) -> LiveFeedback:
        """Process one frame; constant time and memory."""
        st = self.stretch
        t = float(t_s)
        if self._t_prev is not None and t <= self._t_prev:
            return self._last if self._last is not None else self._feedback(t)
        x = st.direction * float(angle_deg) if angle_deg is not None else math.nan
        if not math.isfinite(x):
            self._t_prev = t
            if self._t_valid is None or t - self._t_valid > MAX_GAP_S:
                self._raise("no_tracking", t)
            return self._feedback(t)
        self._faults.pop("no_tracking", None)
        dt = t - self._t_valid if self._t_valid is not None else 0.0
        self._t_prev = self._t_valid = t
        if dt > MAX_GAP_S:  # long gap: restart the filters, keep the phase logic
            self._raw.clear()
            self._y1 = math.nan
        self._raw.append(x)
        if self.phase == "rest":
            self._pre.append((t, x))
        elif len(self._trace_t) < MAX_TRACE:
            self._trace_t.append(t)
            self._trace_x.append(x)
        xm = sorted(self._raw)[len(self._raw) // 2] if len(self._raw) == 3 else x
        if math.isnan(self._y1):
            self._y1 = self._y2 = self._slow = xm
            self._v = 0.0
            y_prev = xm
        else:
            y_prev = self._y2
            self._y1 += _alpha(dt, SMOOTH_HZ) * (xm - self._y1)
            self._y2 += _alpha(dt, SMOOTH_HZ) * (self._y1 - self._y2)
            self._slow += _alpha(dt, SLOW_HZ) * (xm - self._slow)
            raw_v = (self._y2 - y_prev) / dt
            self._v += _alpha(dt, SPEED_HZ) * (raw_v - self._v)
        y, v, slow = self._y2, self._v, self._slow
        self._step_phase(t, dt, y, v, slow)
        self._reversals(y, t)
        return self._feedback(t)

    def _defined_hold(self, fallback: float) -> float:
        """The finished hold timed by the recordings' definition
        (:func:`~posture_check.stretch.segmentation.segment` on the depth since just before the
        movement in: a band below the hold's own plateau, zero-phase filtered, with hysteresis),
        so a slow finish of the entry or a slow start of the release is not counted as holding
        whatever the ramp's shape, and live and recorded holds agree. ``fallback`` (the running
        timer's value) when the trace is too short to segment."""
        tt = np.asarray(self._trace_t)
        xx = np.asarray(self._trace_x)
        if tt.size < 10 or tt[-1] - tt[0] < 1.0:
            return fallback
        try:
            p = prepare(tt, xx)
            segs = segment(p, self.stretch.engage_deg)
        except ValueError:
            return fallback
        if not segs:
            return fallback
        seg = max(segs, key=lambda g: p.t_s[g.hold_end] - p.t_s[g.hold_start])
        return float(p.t_s[seg.hold_end] - p.t_s[seg.hold_start])

    def hold_until_now(self) -> float:
        """The current (or last) hold timed by the recordings' definition on the trace seen so
        far (s): for a caller that decides a hold has ended before this checker does, e.g. the
        guided routine when someone eases slowly out of range and stays in the stance (the
        running timer, :attr:`hold_s`, then still counts the slow way out)."""
        return self._defined_hold(self.hold_s)

    def _step_phase(self, t: float, dt: float, y: float, v: float, slow: float) -> None:
        st = self.stretch
        on = st.engage_deg
        off = on - max(2.0, 0.3 * on)
        speed = abs(v)
        # speed faults: outside rest, sustained 0.1 s
        if self.phase != "rest" and speed > st.max_speed_deg_s:
            self._fast_since = self._fast_since if self._fast_since is not None else t
            if t - self._fast_since >= 0.1 or speed > 1.5 * st.max_speed_deg_s:
                self._raise("too_fast", t, f"{speed:.0f} deg/s")
        else:
            self._fast_since = None
        if self.phase == "rest":
            self._rest_level = y if math.isnan(self._rest_level) else (
                self._rest_level + 0.05 * (y - self._rest_level))
            if slow > on or y > on + 2 * max(2.0, 0.3 * on):
                self.phase = "moving_in"
                self._peak_in, self._max_y, self._t_max = speed, y, t
                self._t_slow_since = None
                self._reset_bounce(y, t)
                self._faults.pop("too_short", None)
                self._trace_t = [p[0] for p in self._pre]
                self._trace_x = [p[1] for p in self._pre]
            return
        if self.phase == "moving_in":
            self._peak_in = max(self._peak_in, speed)
            if y > self._max_y + 0.5:
                self._max_y, self._t_max = y, t
            slow_thr = max(3.0, 0.12 * self._peak_in)
            if speed <= slow_thr:
                self._t_slow_since = self._t_slow_since if self._t_slow_since is not None else t
            else:
                self._t_slow_since = None
            rest = self._rest_level if math.isfinite(self._rest_level) else 0.0
            band_wide = max(5.0, 0.25 * (self._max_y - rest))
            slow_since = self._t_slow_since
            still = slow_since is not None and t - slow_since >= HOLD_DWELL_S
            topped = t - self._t_max >= HOLD_DWELL_S
            if (still or topped) and y >= self._max_y - band_wide and y > on:
                starts = (([slow_since] if still and slow_since is not None else [])
                          + ([self._t_max] if topped else []))
                t0 = min(starts)
                self.phase = "holding"
                self._counted = False
                self._hold_t0 = t0
                self._hold_level = y
                self._t_last_near = t
                self.hold_s = t - t0
            elif slow < off:
                self.phase = "rest"
            return
        if self.phase == "holding":
            self._hold_level += _alpha(dt, 0.2) * (y - self._hold_level)
            rest = self._rest_level if math.isfinite(self._rest_level) else 0.0
            excursion = max(self._hold_level - rest, 0.0)
            if y >= self._hold_level - max(2.0, 0.04 * excursion):
                self._t_last_near = t
            if v > PUSH_SPEED_DEG_S:
                self._push_since = t if self._push_since is None else self._push_since
                if (t - self._push_since >= 0.1 and y > self._hold_level + PUSH_MIN_DEG
                        and "bouncing" not in self._faults):
                    self._raise("pushing", t)
            else:
                self._push_since = None
            self.hold_s = t - self._hold_t0
            if not self._counted and max(y, self._hold_level) >= self._reach_deg:
                self._counted = True  # a repetition: the stretch's own movement reached its range
                self.rep_count += 1
            if (self.hold_s >= 2.0
                    and self._hold_level < st.target_deg[0] - REACH_TOLERANCE_DEG):
                self._raise("not_reached", t, f"{self._hold_level:.0f} deg")
            if y < self._hold_level - max(EXIT_BAND_DEG, 0.3 * excursion) or slow < off:
                self.hold_s = self._defined_hold(max(0.0, self._t_last_near - self._hold_t0))
                self.phase = "moving_out" if slow >= off else "rest"
                self._faults.pop("not_reached", None)
                if self._counted and self.hold_s < st.min_hold_s - HOLD_GRACE_S:
                    self._raise("too_short", t, f"{self.hold_s:.0f} s")
            return
        if self.phase == "moving_out":
            if slow < off:
                self.phase = "rest"
            elif y > self._hold_level - 3.0 and speed < 3.0:
                self.phase = "holding"  # went back in: continue the same hold
            return

    def _feedback(self, t: float) -> LiveFeedback:
        st = self.stretch
        fault = self._current_fault(t)
        lo, hi = st.hold_s
        remaining = max(0.0, lo - self.hold_s) if self.phase == "holding" else 0.0
        info = self._fault_info.get(fault or "", "")
        if fault == "no_tracking":
            msg = ("I can't measure the stretch: stand side on to the camera, whole body in "
                   "view.")
        elif fault == "bouncing":
            msg = f"Stop bouncing: hold still, no pulsing ({DOC_003}). ({info})"
        elif fault == "too_fast":
            msg = f"Slower: a fluid and slow movement ({DOC_000}). ({info})"
        elif fault == "pushing":
            msg = f"Ease off: don't push deeper suddenly ({DOC_000})."
        elif fault == "too_short":
            msg = f"That hold was {info}; hold for {lo:g}-{hi:g} s ({st.hold_source})."
        elif fault == "not_reached":
            msg = ("Go a little deeper only if it is comfortable, never into sharp pain "
                   f"({DOC_003}).")
        elif self.phase == "holding":
            if remaining > 0:
                msg = f"Hold {math.ceil(remaining):.0f} s more."
            elif self.hold_s <= hi:  # whole seconds rounded down, as the timer shows them
                msg = f"Good, {math.floor(self.hold_s)} s held: release slowly when ready."
            else:
                msg = (f"{math.floor(self.hold_s)} s: that's enough ({st.hold_source}); "
                       "release slowly.")
        elif self.phase == "moving_in":
            msg = "Ease in slowly."
        elif self.phase == "moving_out":
            msg = "Come out slowly."
        else:
            msg = f"Ready: ease into the {st.title.lower()} slowly." if self.rep_count == 0 else \
                f"Rest. {self.rep_count} repetition{'s' if self.rep_count > 1 else ''} done."
        y = self._y2 if math.isfinite(self._y2) else math.nan
        fb = LiveFeedback(
            t_s=t, phase=self.phase, hold_s=float(self.hold_s), rep_count=self.rep_count,
            message=msg, fault=fault, angle_deg=st.direction * y,
            speed_deg_s=abs(self._v) if math.isfinite(self._v) else math.nan,
            remaining_s=float(remaining),
        )
        self._last = fb
        return fb


def finished_holds(t_s: np.ndarray, angle_deg: np.ndarray, stretch: str | Stretch,
                   side: str = "both") -> list[float]:
    """The holds (s) the live checker reports, each as its hold ends, when fed ``angle_deg``
    frame by frame at ``t_s`` (benchmarks and tests time the live checker with it)."""
    checker = OnlineStretchChecker(stretch, side)
    holds: list[float] = []
    before = "rest"
    for t, a in zip(t_s, angle_deg, strict=True):
        fb = checker.update(float(t), float(a))
        if before == "holding" and fb.phase != "holding":
            holds.append(fb.hold_s)
        before = fb.phase
    return holds
