"""Keyframed motion: poses at times, interpolated, plus oscillations (bouncing, sway).

A :class:`Timeline` turns time (seconds) into a :class:`BodyPose`. Numeric fields are
interpolated between the keyframes around ``t`` with the *later* keyframe's easing; boolean and
optional fields (``lift_*``, ``stance_width_m``) switch at a keyframe. :class:`Oscillation` adds a
sinusoid to one numeric field inside a time window (ramped in and out over a quarter period), for
bouncing in a stretch or a little postural sway.

:func:`stretch_timeline` builds the common shape of a stretch clip: rest, move in, hold (with
optional bounce), move out, rest; and returns the phases for the labels' ``"stretch"`` block.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Literal

import numpy as np

from posture_check.synth.pose import BodyPose

Ease = Literal["linear", "smooth", "step"]
_NUMERIC = tuple(f.name for f in fields(BodyPose) if f.type in ("float", float))


@dataclass(frozen=True)
class Keyframe:
    """The pose at ``t_s`` seconds; ``ease`` shapes the motion from the previous keyframe.

    ``"smooth"`` is a cosine ease-in/out (peak speed = pi/2 x the mean speed), ``"linear"`` is
    constant speed, ``"step"`` jumps at ``t_s``.
    """

    t_s: float
    pose: BodyPose
    ease: Ease = "smooth"

    def to_dict(self) -> dict:
        default = BodyPose().to_dict()
        changed = {k: v for k, v in self.pose.to_dict().items() if v != default[k]}
        return {"t_s": self.t_s, "ease": self.ease, "pose": changed}


@dataclass(frozen=True)
class Oscillation:
    """``amplitude * sin(2 pi f (t - t0_s))`` added to BodyPose field ``field_name`` for
    ``t0_s <= t <= t1_s``, ramped in/out over ``ramp_s`` (default a quarter period)."""

    field_name: str
    amplitude: float
    frequency_hz: float
    t0_s: float
    t1_s: float
    ramp_s: float | None = None

    def __post_init__(self) -> None:
        if self.field_name not in _NUMERIC:
            raise ValueError(f"cannot oscillate {self.field_name!r}; numeric BodyPose fields "
                             f"are {list(_NUMERIC)}")
        if self.frequency_hz <= 0 or self.t1_s <= self.t0_s:
            raise ValueError("Oscillation needs frequency_hz > 0 and t1_s > t0_s, got "
                             f"{self.frequency_hz} Hz, [{self.t0_s}, {self.t1_s}] s")

    def value(self, t: float) -> float:
        if not self.t0_s <= t <= self.t1_s:
            return 0.0
        ramp = self.ramp_s if self.ramp_s is not None else 0.25 / self.frequency_hz
        gain = 1.0
        if ramp > 0:
            gain = float(np.clip(min(t - self.t0_s, self.t1_s - t) / ramp, 0.0, 1.0))
        return gain * self.amplitude * float(np.sin(2 * np.pi * self.frequency_hz
                                                    * (t - self.t0_s)))

    def to_dict(self) -> dict:
        return {"field": self.field_name, "amplitude": self.amplitude,
                "frequency_hz": self.frequency_hz, "t0_s": self.t0_s, "t1_s": self.t1_s,
                "ramp_s": self.ramp_s}


def _ease(u: float, ease: Ease) -> float:
    if ease == "linear":
        return u
    if ease == "step":
        return 1.0 if u >= 1.0 else 0.0
    return 0.5 - 0.5 * float(np.cos(np.pi * u))


@dataclass(frozen=True)
class Timeline:
    """Keyframes (sorted by time) and oscillations; ``duration_s`` defaults to the last key."""

    keyframes: tuple[Keyframe, ...]
    oscillations: tuple[Oscillation, ...] = ()
    duration_s: float | None = None

    def __post_init__(self) -> None:
        keys = tuple(sorted(self.keyframes, key=lambda k: k.t_s))
        if not keys:
            raise ValueError("a Timeline needs at least one keyframe")
        object.__setattr__(self, "keyframes", keys)
        object.__setattr__(self, "oscillations", tuple(self.oscillations))
        if self.duration_s is not None and self.duration_s <= 0:
            raise ValueError(f"duration_s must be positive, got {self.duration_s}")

    @classmethod
    def still(cls, pose: BodyPose, duration_s: float) -> Timeline:
        """One pose held for ``duration_s``."""
        return cls((Keyframe(0.0, pose),), duration_s=duration_s)

    @property
    def length_s(self) -> float:
        return self.duration_s if self.duration_s is not None else self.keyframes[-1].t_s

    def times(self, fps: float) -> np.ndarray:
        """Frame times ``i / fps`` covering ``[0, length_s]``."""
        n = int(np.floor(self.length_s * fps + 1e-9)) + 1
        return np.arange(n) / float(fps)

    def pose_at(self, t: float) -> BodyPose:
        keys = self.keyframes
        if t <= keys[0].t_s:
            pose = keys[0].pose
        elif t >= keys[-1].t_s:
            pose = keys[-1].pose
        else:
            i = int(np.searchsorted([k.t_s for k in keys], t, side="right"))
            a, b = keys[i - 1], keys[i]
            u = _ease((t - a.t_s) / (b.t_s - a.t_s), b.ease)
            da, db = a.pose.to_dict(), b.pose.to_dict()
            vals = {n: (1 - u) * da[n] + u * db[n] for n in _NUMERIC}
            pose = replace(a.pose, **vals)
        if self.oscillations:
            add: dict[str, float] = {}
            for osc in self.oscillations:
                add[osc.field_name] = add.get(osc.field_name, 0.0) + osc.value(t)
            d = pose.to_dict()
            pose = replace(pose, **{k: d[k] + v for k, v in add.items()})
        return pose

    def to_dict(self) -> dict:
        return {"keyframes": [k.to_dict() for k in self.keyframes],
                "oscillations": [o.to_dict() for o in self.oscillations],
                "duration_s": self.length_s}


@dataclass(frozen=True)
class StretchPlan:
    """A stretch clip's timeline and its label block (``"stretch"`` in the labels JSON)."""

    timeline: Timeline
    label: dict = field(default_factory=dict)


def stretch_timeline(start: BodyPose, peak: BodyPose, *, name: str, angle: str,
                     side: str = "both", expected_verdict: str = "good", rest_s: float = 2.0,
                     move_in_s: float = 4.0, hold_s: float = 30.0, move_out_s: float = 3.0,
                     rest_after_s: float = 2.0, bounce_field: str | None = None,
                     bounce_amplitude: float = 0.0, bounce_hz: float = 2.0,
                     sway_field: str | None = None, sway_amplitude: float = 0.0,
                     sway_hz: float = 0.2, reps: int = 1) -> StretchPlan:
    """Rest -> move in (cosine ease) -> hold -> move out -> rest, ``reps`` times.

    Args:
        start, peak: the resting pose and the pose at full stretch.
        name, angle, side, expected_verdict: copied into the label (stretch catalogue names).
        bounce_field, bounce_amplitude, bounce_hz: bouncing during each hold (e.g.
            ``"trunk_flexion_deg"``, 8.0, 2.0); the oscillation spans the whole hold.
        sway_field, sway_amplitude, sway_hz: slow natural sway during each hold.

    The label's phases cover the clip: ``rest``, ``moving_in``, ``holding``, ``moving_out``.
    """
    if min(move_in_s, hold_s, move_out_s) <= 0 or rest_s < 0 or rest_after_s < 0 or reps < 1:
        raise ValueError("stretch_timeline needs positive move_in_s, hold_s, move_out_s, reps "
                         f"and non-negative rests; got {move_in_s}, {hold_s}, {move_out_s}, "
                         f"{reps}, {rest_s}, {rest_after_s}")
    keys = [Keyframe(0.0, start)]
    phases: list[dict] = []
    osc: list[Oscillation] = []
    t = 0.0
    for rep in range(reps):
        rest = rest_s if rep == 0 else rest_after_s
        if rest > 0:
            keys.append(Keyframe(t + rest, start, "linear"))
            phases.append({"phase": "rest", "t0_s": t, "t1_s": t + rest})
            t += rest
        keys.append(Keyframe(t + move_in_s, peak, "smooth"))
        phases.append({"phase": "moving_in", "t0_s": t, "t1_s": t + move_in_s})
        t += move_in_s
        keys.append(Keyframe(t + hold_s, peak, "linear"))
        phases.append({"phase": "holding", "t0_s": t, "t1_s": t + hold_s})
        if bounce_field and bounce_amplitude:
            osc.append(Oscillation(bounce_field, bounce_amplitude, bounce_hz, t, t + hold_s))
        if sway_field and sway_amplitude:
            osc.append(Oscillation(sway_field, sway_amplitude, sway_hz, t, t + hold_s,
                                   ramp_s=1.0))
        t += hold_s
        keys.append(Keyframe(t + move_out_s, start, "smooth"))
        phases.append({"phase": "moving_out", "t0_s": t, "t1_s": t + move_out_s})
        t += move_out_s
    if rest_after_s > 0:
        keys.append(Keyframe(t + rest_after_s, start, "linear"))
        phases.append({"phase": "rest", "t0_s": t, "t1_s": t + rest_after_s})
        t += rest_after_s
    label = {"name": name, "side": side, "angle": angle, "hold_s": float(hold_s),
             "expected_verdict": expected_verdict, "reps": reps,
             "move_in_s": float(move_in_s), "move_out_s": float(move_out_s),
             "bounce_amplitude_deg": float(bounce_amplitude) if bounce_field else 0.0,
             "bounce_hz": float(bounce_hz) if bounce_field and bounce_amplitude else 0.0,
             "phases": phases}
    return StretchPlan(Timeline(tuple(keys), tuple(osc), duration_s=t), label)
