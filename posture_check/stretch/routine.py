"""The guided stretch routine: the documents' order, each side in turn, rest between, and a
side-by-side summary at the end (pure state machine, no UI).

Order (:data:`ROUTINE_ORDER`): doc 000 ("the restorative therapist's talk on sciatic pain")
opens the hip flexors first, with the foot straight, "then" the glute can move and the stretches
follow; so the hip-flexor opener comes first, then the glute and piriformis stretches (standing,
then seated figure-four), then the hamstring hinge (doc 003 names the hamstrings as acting on the
pelvic tilt; not a glute stretch, so last). The person picks which stretches and, once, the side
of the pain; the order is always this one.

Sides: a one-side-at-a-time stretch is done on both sides, the side **without** pain first
(a decision: the comfortable side shows what the painful side can be compared with; with no
pain side, left first). Each step's target hold is the catalogue's (doc 003: 20-30 s glutes,
30-60 s piriformis; the minimum is the target). Between steps a rest of :data:`REST_S` seconds
(an engineering choice: the documents give none).

A step is done when a counted hold (the checker's repetition: the stretch reached its range)
has ended and the person is back at rest (or :data:`OUT_MAX_S` after the hold ended; after a
hold that reached its target, the checker's "not reached" also ends it: its hold level follows
a slow way out), or after :data:`STEP_TIMEOUT_S` seconds without one (recorded as not done).
Per step it keeps the hold (s), the depth (the deepest point while holding, degrees "deeper"
as the catalogue's ``direction * angle``, so the hip-flexor opener's -22 deg extension is 22),
the smoothness (the peak angular speed going in and coming out, deg/s; slow = at most the
stretch's ``max_speed_deg_s``) and the bounces (times the checker raised "bouncing").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from posture_check.stretch.catalogue import CATALOGUE, HOLD_GRACE_S

__all__ = ["REST_S", "ROUTINE_ORDER", "STEP_TIMEOUT_S", "Routine", "RoutineState", "RoutineStep",
           "SideComparison", "StepResult", "compare_sides", "plan_routine"]

ROUTINE_ORDER: tuple[str, ...] = ("hip_flexor_opener", "standing_figure_four",
                                  "seated_figure_four", "standing_hamstring")
REST_S = 15.0
OUT_MAX_S = 5.0  # coming out of a stretch slower than this still ends the step
STEP_TIMEOUT_S = 180.0


@dataclass(frozen=True)
class RoutineStep:
    """One stretch on one side (``"both"`` for a side-free stretch) with its target hold (s)."""

    stretch: str
    side: str
    target_hold_s: float

    @property
    def title(self) -> str:
        t = CATALOGUE[self.stretch].title
        return t if self.side == "both" else f"{t}, {self.side} side"


@dataclass(frozen=True)
class StepResult:
    """What one step gave (module docstring for the units); ``done`` False = timed out or
    skipped. Times on the camera clock (s)."""

    step: RoutineStep
    done: bool
    hold_s: float
    depth_deg: float
    peak_speed_deg_s: float
    bounces: int
    t_start_s: float
    t_end_s: float

    @property
    def hold_ok(self) -> bool:
        return self.done and self.hold_s >= self.step.target_hold_s - HOLD_GRACE_S

    @property
    def smooth(self) -> bool:
        return (math.isfinite(self.peak_speed_deg_s)
                and self.peak_speed_deg_s <= CATALOGUE[self.step.stretch].max_speed_deg_s)


def plan_routine(stretches: Iterable[str], pain_side: str | None = None
                 ) -> tuple[RoutineStep, ...]:
    """The steps for the chosen ``stretches`` in the documents' order, each side in turn
    (the side without pain first)."""
    chosen = set(stretches)
    unknown = chosen - set(CATALOGUE)
    if unknown:
        raise ValueError(f"unknown stretch(es): {', '.join(sorted(unknown))}")
    if not chosen:
        raise ValueError("choose at least one stretch for the routine")
    if pain_side not in (None, "left", "right"):
        raise ValueError(f"pain_side must be 'left', 'right' or None, got {pain_side!r}")
    first = "right" if pain_side == "left" else "left"
    sides = (first, "left" if first == "right" else "right")
    steps = []
    for name in ROUTINE_ORDER:
        if name not in chosen:
            continue
        st = CATALOGUE[name]
        for side in (sides if st.sided else ("both",)):
            steps.append(RoutineStep(name, side, st.min_hold_s))
    return tuple(steps)


@dataclass(frozen=True)
class RoutineState:
    """The routine at one moment: ``phase`` "stretch", "rest" or "done"; ``index`` of the
    current step; ``results`` of the finished steps; ``rest_left_s`` in a rest; ``event`` of
    this update (``"switch_sides"``, ``"next_stretch"``, ``"done"`` or None)."""

    steps: tuple[RoutineStep, ...]
    phase: str = "stretch"
    index: int = 0
    results: tuple[StepResult, ...] = ()
    rest_left_s: float = 0.0
    event: str | None = None

    @property
    def current(self) -> RoutineStep | None:
        return self.steps[self.index] if self.index < len(self.steps) else None

    @property
    def next_step(self) -> RoutineStep | None:
        return self.steps[self.index + 1] if self.index + 1 < len(self.steps) else None


@dataclass(frozen=True)
class _Acc:
    t_start: float = math.nan
    hold_s: float = 0.0
    depth: float = -math.inf
    speed: float = -math.inf
    bounces: int = 0
    last_fault: str | None = None
    held: bool = False  # a counted hold has ended
    full: bool = False  # a counted hold reached the target
    t_out: float = math.nan
    reps0: int | None = None


class Routine:
    """Feed :meth:`update` each frame with the current step's checker feedback (None during a
    rest); it returns the :class:`RoutineState`. Not thread-safe by itself."""

    def __init__(self, steps: tuple[RoutineStep, ...], rest_s: float = REST_S,
                 step_timeout_s: float = STEP_TIMEOUT_S) -> None:
        if not steps:
            raise ValueError("a routine needs at least one step")
        self.rest_s, self.step_timeout_s = float(rest_s), float(step_timeout_s)
        self.state = RoutineState(tuple(steps))
        self._acc = _Acc()
        self._rest_until = math.nan

    def _finish(self, t: float, done: bool) -> RoutineState:
        s, a = self.state, self._acc
        step = s.current
        if step is None:  # only called while a step runs
            raise RuntimeError("no routine step to finish")
        res = StepResult(step, done, a.hold_s if done else 0.0,
                         a.depth if math.isfinite(a.depth) else math.nan,
                         a.speed if math.isfinite(a.speed) else math.nan, a.bounces,
                         a.t_start if math.isfinite(a.t_start) else t, t)
        results = (*s.results, res)
        self._acc = _Acc()
        if s.index + 1 >= len(s.steps):
            self.state = replace(s, phase="done", index=len(s.steps), results=results,
                                 rest_left_s=0.0, event="done")
        else:
            nxt = s.steps[s.index + 1]
            event = "switch_sides" if nxt.stretch == step.stretch else "next_stretch"
            self._rest_until = t + self.rest_s
            self.state = replace(s, phase="rest", results=results, rest_left_s=self.rest_s,
                                 event=event)
        return self.state

    def skip(self, t_s: float) -> RoutineState:
        """Give up the current step (recorded as not done) and move on."""
        if self.state.phase != "stretch":
            return self.state
        return self._finish(t_s, done=False)

    def update(self, t_s: float, fb, hold_until_now: Callable[[], float] | None = None
               ) -> RoutineState:
        """One frame: ``fb`` the current step's :class:`posture_check.stretch.LiveFeedback`.
        ``hold_until_now``: the checker's hold timed by the recordings' definition
        (:meth:`posture_check.stretch.OnlineStretchChecker.hold_until_now`), used when the
        routine ends a hold before the checker does (eased out of range, still in the
        stance); without it the running timer ``fb.hold_s`` is recorded."""
        s = self.state
        if s.event is not None:
            s = self.state = replace(s, event=None)
        if s.phase == "done":
            return s
        if s.phase == "rest":
            left = self._rest_until - t_s
            if left > 0:
                self.state = replace(s, rest_left_s=left)
                return self.state
            self.state = replace(s, phase="stretch", index=s.index + 1, rest_left_s=0.0)
            return self.state
        a = self._acc
        if not math.isfinite(a.t_start):
            a = replace(a, t_start=t_s)
        if fb is not None:
            if a.reps0 is None:
                a = replace(a, reps0=fb.rep_count)
            if fb.fault == "bouncing" and a.last_fault != "bouncing":
                a = replace(a, bounces=a.bounces + 1)
            a = replace(a, last_fault=fb.fault)
            st = CATALOGUE[s.current.stretch] if s.current is not None else None
            if fb.phase == "holding" and math.isfinite(fb.angle_deg) and st is not None:
                a = replace(a, depth=max(a.depth, st.direction * fb.angle_deg))
            if fb.phase in ("moving_in", "moving_out") and math.isfinite(fb.speed_deg_s):
                a = replace(a, speed=max(a.speed, fb.speed_deg_s))
            counted = fb.rep_count > (a.reps0 or 0)
            full = (counted and fb.phase == "holding" and s.current is not None
                    and fb.hold_s >= s.current.target_hold_s - HOLD_GRACE_S)
            if full:
                a = replace(a, full=True)
            # out of the stretch's range after a full hold: the checker's hold level follows a
            # slow way out, so "not reached" is how it sees someone back in a split stance
            out = fb.phase != "holding" or (a.full and fb.fault == "not_reached")
            if counted and out and not a.held:
                hold = fb.hold_s
                if fb.phase == "holding" and hold_until_now is not None:
                    hold = min(hold, hold_until_now())
                a = replace(a, held=True, hold_s=hold, t_out=t_s)
            self._acc = a
            if a.held and (fb.phase == "rest" or fb.phase == "holding"
                           or t_s - a.t_out >= OUT_MAX_S):
                return self._finish(t_s, done=True)
        self._acc = a
        if t_s - a.t_start > self.step_timeout_s:
            return self._finish(t_s, done=False)
        return self.state


@dataclass(frozen=True)
class SideComparison:
    """One stretch, left against right: hold (s), depth (deg), peak speed (deg/s, lower =
    smoother), bounces; NaN / None where a side was not done."""

    stretch: str
    left: StepResult | None
    right: StepResult | None

    def rows(self) -> list[tuple[str, str, str]]:
        """(what, left, right) in words for the summary table."""

        def num(r: StepResult | None, attr: str, unit: str) -> str:
            if r is None or not r.done:
                return "not done"
            v = getattr(r, attr)
            return "—" if not math.isfinite(v) else f"{v:.0f}{unit}"

        def bounces(r: StepResult | None) -> str:
            return "not done" if r is None or not r.done else str(r.bounces)

        target = CATALOGUE[self.stretch].min_hold_s
        return [
            (f"Hold (target {target:.0f} s)", num(self.left, "hold_s", " s"),
             num(self.right, "hold_s", " s")),
            ("Depth (deepest angle)", num(self.left, "depth_deg", "°"),
             num(self.right, "depth_deg", "°")),
            (f"Smoothness: peak speed (slow ≤ {CATALOGUE[self.stretch].max_speed_deg_s:.0f}°/s)",
             num(self.left, "peak_speed_deg_s", "°/s"),
             num(self.right, "peak_speed_deg_s", "°/s")),
            ("Bounces", bounces(self.left), bounces(self.right)),
        ]


def compare_sides(results: Iterable[StepResult]) -> list[SideComparison]:
    """Per one-side-at-a-time stretch of the routine, its left and right results (the last of
    each side), in routine order."""
    by: dict[str, dict[str, StepResult]] = {}
    for r in results:
        if r.step.side in ("left", "right"):
            by.setdefault(r.step.stretch, {})[r.step.side] = r
    return [SideComparison(name, by[name].get("left"), by[name].get("right"))
            for name in ROUTINE_ORDER if name in by]
