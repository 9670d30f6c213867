"""The live frame's overlay: skeleton, live angles, view and hold timer drawn on the frame
(drawing by :mod:`posture_check.draw`, shared with the reports)."""

from __future__ import annotations

import math

import numpy as np

from posture_check.draw import (
    COLORS,
    AngleAnnotator,
    HoldTimerAnnotator,
    SkeletonAnnotator,
    put_label,
)
from posture_check.measures import LiveResult
from posture_check.pose.series import PoseSeries
from posture_check.presentation import view_label
from posture_check.stretch import LiveFeedback

__all__ = ["FRONTAL_ANGLES", "annotate"]


def annotate(rgb: np.ndarray, frame: PoseSeries, result: LiveResult | None,
             feedback: LiveFeedback | None, target_s: float | None = None,
             angles: AngleAnnotator | None = None,
             stretch_angle: tuple[str, float] | None = None) -> np.ndarray:
    """The frame with the skeleton, the live angles, the view and the hold timer drawn on it
    (a new RGB array; drawing by :mod:`posture_check.draw`, shared with the reports). The
    angles are ``result.shown``, the values of the table and the findings, except the angle a
    stretch times: ``stretch_angle`` (name, the checker's angle in degrees), as its table row
    shows it. ``angles.drawn`` then holds the texts drawn."""
    out = rgb.copy()
    values = {k: v for k, v in (result.shown if result is not None else {}).items()
              if math.isfinite(v)}
    if stretch_angle is not None:  # the timed angle: the checker's, as in the table
        values = {k: v for k, v in values.items() if k not in _SAGITTAL}
        name, a = stretch_angle
        if math.isfinite(a):
            values[name] = a
    _SKELETON.annotate(out, frame, 0)
    (angles or AngleAnnotator()).annotate(out, frame, values, 0)
    if result is not None:
        scale = max(out.shape[:2]) / 640.0
        put_label(out, view_label(result.view),
                  (int(8 * scale), int(24 * scale)), COLORS["text"], 0.55 * scale)
    if feedback is not None:
        _TIMER.annotate(out, feedback.phase, feedback.hold_s, target_s)
    return out


_TIMER = HoldTimerAnnotator(corner="top_right")
#: Side-view angles: in a stretch, only the timed one is drawn (no second number beside it).
_SAGITTAL = ("trunk_flexion", "pelvic_tilt", "knee_flexion_left", "knee_flexion_right",
             "hip_flexion_left", "hip_flexion_right")
#: Front-view angles drawn beside a stretch's timed angle.
FRONTAL_ANGLES = ("lateral_lean", "pelvic_obliquity", "shoulder_tilt", "foot_turnout_left",
                  "foot_turnout_right")
_SKELETON = SkeletonAnnotator()

