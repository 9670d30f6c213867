"""Stretch angles: the posture measures' own definitions, body frame, gating and view classifier.

One angle layer (issue 10): ``trunk_flexion``, ``hip_flexion_{left,right}`` and
``knee_flexion_{left,right}`` are :mod:`posture_check.measures.posture`'s functions on the hybrid
points and body frame of :mod:`posture_check.measures.body_frame` (U from the camera pitch held
for the recording, R the horizontal left -> right hip line, F = U x R), gated per frame by
:func:`posture_check.measures.gating.gate_block` with the same view classifier and landmark
rules as the posture measures (``MEASURE_SPECS``: trunk and hip flexion only in side and oblique
views, knee flexion in any view; NaN where gated). Definitions, units (degrees) and signs (the
subject's own left/right): ``docs/definitions.md``.

One thing is added for stretches, and only to F's sign: **a stable facing decision**. In a side
view R lies along the camera axis, where MediaPipe's depth is weakest; when it swaps the depth
order of the two hips for a few frames, F flips and so does the sign of every sagittal angle
(a 70 deg hinge would read -70 deg). :class:`FacingTracker` decides which image direction the
pelvis faces from three cues per frame (sign of F's image-x component, nose ahead of the ears,
toes ahead of the heels; only frames with ``|F_x| >= 0.5``, i.e. the camera within 60 deg of a
side view) and changes its mind only with hysteresis: a leaky average of the cues (time
constant :data:`FACING_TAU_S`) must pass :data:`FACING_SWITCH` the other way (about 0.7 s of
unanimous contrary cues). Frames whose F disagrees with the decision get F and R negated
(``F = U x R`` still holds). The person may really turn round (the other side of a stretch):
the tracker follows within a second.

Batch and live share the per-block kernel :func:`angles_block` and the tracker (the same code,
so the same numbers): :func:`compute_angles` runs them over a recording in blocks, with the
recording's camera pitch (median estimate,
:func:`posture_check.measures.kernel.series_constants`); :class:`LiveAngles` runs them one frame
at a time with the running median pitch, as :class:`posture_check.measures.LiveMeasures` does.

Why one layer, and its validation against the former image-plane definitions: see
docs/decisions/one-angle-layer.md.
"""

from __future__ import annotations

import math
import warnings
from collections import deque
from dataclasses import dataclass

import numpy as np

from posture_check.measures import posture
from posture_check.measures.body_frame import (
    BodyFrame,
    body_axes,
    estimate_pitch_deg,
    hybrid_block,
    subject_yaw_deg,
    up_vector,
)
from posture_check.measures.columns import BLOCK, vscale
from posture_check.measures.gating import block_flags, gate_block, hidden_legs
from posture_check.measures.kernel import series_constants
from posture_check.measures.specs import MEASURES
from posture_check.measures.view import view_codes
from posture_check.pose.landmarks import Landmark as L
from posture_check.pose.series import PoseSeries
from posture_check.stretch.catalogue import ANGLE_NAMES

__all__ = ["FACING_SWITCH", "FACING_TAU_S", "FacingTracker", "LiveAngles", "angle_series",
           "angles_block", "compute_angles", "facing_evidence", "lifted_ankle_side"]

FACING_TAU_S = 0.5  # time constant of the leaky average of the facing cues
FACING_SWITCH = 0.6  # the average must pass this (of +/-1) the other way to change the decision
SIDE_FX = 0.5  # |F . image x| at least this: the camera within 60 deg of a side view
LIVE_PITCH_FRAMES = 300  # running median of the camera pitch estimate (live)


def _sign_or_zero(v: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(v), np.sign(v), 0.0)


def facing_evidence(image: np.ndarray, frame: BodyFrame) -> np.ndarray:
    """``(T,)`` per-frame facing cue in [-1, 1]: + = the pelvis faces image +x (right).

    The mean of three signs: F's image-x component (from the hips' depth order), nose vs mid-ear
    and toes vs heels along image x. 0 where the camera is not within 60 deg of a side view
    (``|F_x| < 0.5``), where facing along image x means nothing.
    """
    x = np.asarray(image, dtype=np.float64)[..., 0]  # normalized image x: only signs are used
    fx = np.asarray(frame.F[0], dtype=np.float64)
    head = x[:, L.NOSE] - 0.5 * (x[:, L.LEFT_EAR] + x[:, L.RIGHT_EAR])
    feet = 0.5 * (x[:, L.LEFT_FOOT_INDEX] - x[:, L.LEFT_HEEL]
                  + x[:, L.RIGHT_FOOT_INDEX] - x[:, L.RIGHT_HEEL])
    cue = (_sign_or_zero(fx) + _sign_or_zero(head) + _sign_or_zero(feet)) / 3.0
    with np.errstate(invalid="ignore"):
        side = np.abs(fx) >= SIDE_FX
    return np.where(side, cue, 0.0)


class FacingTracker:
    """Stable facing decision with hysteresis (module docstring); constant work per frame.

    ``sign`` is +1 (faces image +x), -1, or 0 before the first decisive frame. The first frame
    where at least two of the three cues agree (``|cue| >= 2/3``) decides; afterwards the leaky
    average must pass :data:`FACING_SWITCH` the other way.
    """

    def __init__(self) -> None:
        self.sign = 0.0
        self.avg = 0.0
        self._t: float | None = None

    def update(self, t_s: np.ndarray, evidence: np.ndarray) -> np.ndarray:
        """Feed ``(T,)`` times and cues (in order); return the ``(T,)`` decision per frame."""
        out = np.empty(len(evidence))
        for i, (t, e) in enumerate(zip(np.asarray(t_s, float), np.asarray(evidence, float),
                                       strict=True)):
            dt = 0.0 if self._t is None else max(0.0, t - self._t)
            self._t = t
            a = math.exp(-dt / FACING_TAU_S) if dt > 0 else 1.0
            if e != 0.0:  # no cue (not a side view, nobody): keep the average and the decision
                self.avg = a * self.avg + (1.0 - a) * e if self.sign else e
            if self.sign == 0.0 and abs(e) >= 2.0 / 3.0 - 1e-9:
                self.sign, self.avg = float(np.sign(e)), float(np.sign(e))
            elif self.sign and self.avg * self.sign <= -FACING_SWITCH:
                self.sign = -self.sign
            out[i] = self.sign
        return out


def _stabilise(frame: BodyFrame, facing: np.ndarray) -> BodyFrame:
    """Negate R and F in side-ish frames whose F disagrees with the facing decision."""
    fx = np.asarray(frame.F[0], dtype=np.float64)
    with np.errstate(invalid="ignore"):
        flip = (np.abs(fx) >= SIDE_FX) & (facing != 0) & (np.sign(fx) != facing)
    s = np.where(flip, -1.0, 1.0)
    return BodyFrame(frame.U, vscale(frame.R, s), vscale(frame.F, s))


def angles_block(image: np.ndarray, world: np.ndarray, visibility: np.ndarray,
                 presence: np.ndarray, t_s: np.ndarray, frame_size: tuple[int, int], *,
                 pitch_deg: float, facing: FacingTracker, roll_deg: float = 0.0
                 ) -> dict[str, np.ndarray]:
    """The per-block kernel: gated stretch angles ``(T,)`` deg of one block of frames
    (``(T, 33, 3)`` normalized image and world landmarks, ``(T, 33)`` visibility and presence,
    as in :class:`~posture_check.pose.series.PoseSeries`).

    ``facing`` is advanced over the block (pass the same tracker for the next block).
    """
    blk = hybrid_block(image, world, frame_size, roll_deg)
    frame = body_axes(blk.hybrid, up_vector(pitch_deg))
    frame = _stabilise(frame, facing.update(t_s, facing_evidence(image, frame)))
    p = blk.hybrid
    raw = {
        "trunk_flexion": posture.trunk_flexion(p, frame),
        "hip_flexion_left": posture.hip_flexion(p, frame, "left"),
        "hip_flexion_right": posture.hip_flexion(p, frame, "right"),
        "knee_flexion_left": posture.knee_flexion(p, "left"),
        "knee_flexion_right": posture.knee_flexion(p, "right"),
    }
    n = len(t_s)
    full = {k: raw.get(k, np.full(n, np.nan)) for k in MEASURES}
    vcode = view_codes(subject_yaw_deg(blk.world))
    gated, _ = gate_block(full, vcode, *block_flags(blk, frame_size, visibility, presence),
                          hidden=hidden_legs(blk.px, vcode))
    return {k: gated[k] for k in ANGLE_NAMES}


def compute_angles(series: PoseSeries, method: str = "measures",
                   roll_deg: float = 0.0) -> dict[str, np.ndarray]:
    """All angles of :data:`~posture_check.stretch.catalogue.ANGLE_NAMES` as ``(T,)`` degrees
    (NaN where no person or gated), for a recording.

    ``method``: ``"measures"`` (or the former ``"auto"``, same thing): the only definition left
    (module docstring). ``roll_deg``: known camera roll, as for ``compute_measures``.
    """
    if method not in ("measures", "auto"):
        raise ValueError(f"method must be 'measures' (the measures' definitions; 'auto' is "
                         f"accepted as the same), got {method!r}")
    n = len(series)
    out = {k: np.full(n, np.nan) for k in ANGLE_NAMES}
    if n == 0:
        return out
    pitch = series_constants(series, roll_deg)["pitch_deg"]
    pitch = pitch if np.isfinite(pitch) else 0.0
    facing = FacingTracker()
    for a in range(0, n, BLOCK):
        b = min(a + BLOCK, n)
        vals = angles_block(series.image[a:b], series.world[a:b], series.visibility[a:b],
                            series.presence[a:b], series.t_s[a:b], series.frame_size,
                            pitch_deg=pitch, facing=facing, roll_deg=roll_deg)
        for k in ANGLE_NAMES:
            out[k][a:b] = vals[k]
    return out


def angle_series(series: PoseSeries, name: str, method: str = "measures") -> np.ndarray:
    """One named angle, ``(T,)`` degrees (NaN where no person or gated)."""
    if name not in ANGLE_NAMES:
        raise ValueError(f"unknown angle {name!r}; expected one of {', '.join(ANGLE_NAMES)}")
    return compute_angles(series, method)[name]


@dataclass
class LiveAngles:
    """The same angles one frame at a time (live): :func:`angles_block` on each frame with a
    persistent :class:`FacingTracker` and the running median camera pitch of the last
    :data:`LIVE_PITCH_FRAMES` frames (``pitch_deg`` fixes it instead)."""

    pitch_deg: float | None = None
    roll_deg: float = 0.0

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.facing = FacingTracker()
        self._pitch: deque[float] = deque(maxlen=LIVE_PITCH_FRAMES)

    def update(self, frame: PoseSeries) -> dict[str, float]:
        """Angles of the last frame of ``frame`` (a 1-frame series from the estimator)."""
        if len(frame) == 0:
            raise ValueError("LiveAngles.update needs a PoseSeries with at least one frame, got 0")
        f = frame[len(frame) - 1:]
        est = float(estimate_pitch_deg(f.world)[0])
        if np.isfinite(est):
            self._pitch.append(est)
        if self.pitch_deg is not None:
            pitch = self.pitch_deg
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                pitch = float(np.median(self._pitch)) if self._pitch else 0.0
        vals = angles_block(f.image, f.world, f.visibility, f.presence, f.t_s, f.frame_size,
                            pitch_deg=pitch, facing=self.facing, roll_deg=self.roll_deg)
        return {k: float(v[0]) for k, v in vals.items()}


def lifted_ankle_side(series: PoseSeries, min_shank_fraction: float = 0.3) -> np.ndarray:
    """``(T,)`` per frame: +1 left ankle clearly higher, -1 right ankle higher, 0 neither/NaN.

    Used for figure-four stretches, where the crossed leg's ankle rests on the opposite knee.
    "Clearly" = by more than ``min_shank_fraction`` of the mean image shank length. (A side
    rule, not an angle: image pixels are what shows which ankle is up.)
    """
    px = series.image_px()
    la, ra = px[:, L.LEFT_ANKLE], px[:, L.RIGHT_ANKLE]
    shank = 0.5 * (np.linalg.norm(px[:, L.LEFT_KNEE] - la, axis=-1)
                   + np.linalg.norm(px[:, L.RIGHT_KNEE] - ra, axis=-1))
    lift = ra[:, 1] - la[:, 1]  # image y is down: positive = left ankle higher
    thr = min_shank_fraction * shank
    out = np.zeros(len(series), dtype=np.int8)
    ok = np.isfinite(lift) & np.isfinite(thr)
    out[ok & (lift > thr)] = 1
    out[ok & (lift < -thr)] = -1
    return out
