"""Smallest detectable change (SDC) of each measure: a change since baseline counts only beyond it.

SDC = 1.96 * sqrt(2) * SEM: the 95% limit of the difference between two sessions of an unchanged
person, each measured with the standard error of measurement SEM.

**How SEM was measured** (``posture-check bench repeatability``, 2026-12-04, pose model
``pose_landmarker_full`` as built by ``posture-check model``; repeated = same person, same
setup, measured again, each repeat analysed exactly like a saved session):

* real footage: ``../shared/real_media/standing_front.mp4`` (a man standing in an office,
  shifting his weight), first 1.5 s skipped, split into 4 interleaved sub-recordings
  (every 4th frame, each spanning the whole recording like a session does);
* the rendered sample clips of standing postures (4 front, 1 side) each cut into two halves;
* the same rendered body recorded 6 times per view (front, right side) with the camera put back
  by hand (distance sd 10 cm, height sd 5 cm, yaw sd 3 deg, roll sd 1 deg), the person standing
  again (lean / obliquity sd 0.3 deg, turn-out sd 1.5 deg per foot, pelvic tilt sd 1 deg) and
  pixel noise.

SEM per source = pooled within-group SD; :data:`SEM` keeps the largest of the three. The same
real clip cut into consecutive 2 s blocks gives SEMs of 6-14 deg, because the man sways +/-8 deg
every ~4 s: a session must be a median over a still stand of 10 s or more, which the app and
the CLI analyse (that figure is printed by the benchmark, not used here).

``hip_flexion_left`` was not measurable in these side-view clips (the far leg is hidden: low
visibility); it takes the SEM of ``hip_flexion_right``, and so does ``pelvic_tilt`` (the mean
hip flexion of the legs in view: in a side view the near leg's).
"""

from __future__ import annotations

import math

__all__ = ["SDC", "SEM", "sdc_from_sem", "sdc_of"]

#: Measured SEM per measure (measure unit: degrees, or cm for ``*_cm``). See module docstring.
SEM: dict[str, float] = {
    "lateral_lean": 0.55,
    "lateral_shift_cm": 0.79,
    "pelvic_obliquity": 1.40,
    "shoulder_tilt": 0.50,
    "head_shift_cm": 0.77,
    "foot_turnout_left": 2.11,
    "foot_turnout_right": 2.63,
    "foot_turnout_asymmetry": 3.84,
    "knee_flexion_left": 1.30,
    "knee_flexion_right": 0.63,
    "hip_flexion_right": 0.94,
    "hip_flexion_left": 0.94,  # not measurable in the clips: = hip_flexion_right
    "trunk_flexion": 0.74,
    "pelvic_tilt": 0.94,  # the near leg's hip flexion in a side view: = hip_flexion_right
}


def sdc_from_sem(sem: float) -> float:
    """SDC = 1.96 * sqrt(2) * SEM (same unit as ``sem``)."""
    return 1.96 * math.sqrt(2.0) * sem


#: Smallest detectable change per measure (measure unit), from :data:`SEM`.
SDC: dict[str, float] = {m: round(sdc_from_sem(s), 2) for m, s in SEM.items()}


def sdc_of(measure: str) -> float:
    """The measure's SDC, NaN if unknown."""
    return SDC.get(measure, math.nan)
