"""What each measure is, as data: unit, sign convention (subject's anatomical left/right),
views where it is valid, landmarks it needs, plausible range, one-sidedness
(:class:`MeasureSpec`, :data:`MEASURE_SPECS`), and the estimator each uses in the product
(:data:`ESTIMATOR`). Degrees unless the spec says cm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from posture_check.pose.landmarks import Landmark as L

__all__ = ["ANY_VIEW", "ESTIMATOR", "FRONTAL", "HIPS", "MEASURES", "MEASURE_SPECS", "SAGITTAL",
           "SHOULDERS", "TRUNK", "MeasureSpec", "Method"]

Method = Literal["product", "calibrated", "hybrid", "naive"]
FRONTAL = ("front", "back")
SAGITTAL = ("left_side", "right_side", "oblique")
ANY_VIEW = ("front", "back", "left_side", "right_side", "oblique")

HIPS = (L.LEFT_HIP, L.RIGHT_HIP)
SHOULDERS = (L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
TRUNK = HIPS + SHOULDERS


@dataclass(frozen=True)
class MeasureSpec:
    """What a measure is: unit, sign convention, views where valid, landmarks it needs.

    ``standing``: a posture measure, read only in quiet-standing segments (gated ``"moving"``
    elsewhere; the flexion angles that the stretch checks time are not). ``plausible``: the
    range a standing (or, for the flexions, a stretching) human body can reach; a value outside
    it is a model failure, gated ``"implausible"``. ``one_sided``: only the ``+`` direction
    is a finding (foot turn-out: toes outward), so thresholds, bands and the value's severity
    apply to the signed value, not to its magnitude.
    """

    unit: str
    positive: str
    views: tuple[str, ...]
    landmarks: tuple[int, ...]
    description: str
    standing: bool = True
    plausible: tuple[float, float] = (-90.0, 90.0)
    one_sided: bool = False


MEASURE_SPECS: dict[str, MeasureSpec] = {
    "lateral_lean": MeasureSpec("deg", "trunk leans toward the subject's right", FRONTAL, TRUNK,
                                "trunk (mid-hip -> mid-shoulder) from vertical, frontal plane",
                                plausible=(-25.0, 25.0)),
    "lateral_shift_cm": MeasureSpec("cm", "shoulders shifted toward the subject's right", FRONTAL,
                                    TRUNK, "sideways offset of mid-shoulder over mid-hip",
                                    plausible=(-20.0, 20.0)),
    "pelvic_obliquity": MeasureSpec("deg", "right hip higher", ("front", "back"),
                                    (*HIPS, L.LEFT_KNEE, L.RIGHT_KNEE),
                                    "hip line from horizontal, frontal plane",
                                    plausible=(-12.0, 12.0)),
    "shoulder_tilt": MeasureSpec("deg", "right shoulder higher", FRONTAL, TRUNK,
                                 "shoulder line from horizontal, frontal plane",
                                 plausible=(-20.0, 20.0)),
    "head_shift_cm": MeasureSpec("cm", "head shifted toward the subject's right", ("front",),
                                 (*TRUNK, L.LEFT_EAR, L.RIGHT_EAR),
                                 "sideways offset of mid-ear over mid-hip",
                                 plausible=(-25.0, 25.0)),
    "foot_turnout_left": MeasureSpec("deg", "toes outward", ("front",),
                                     (*HIPS, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
                                     "left foot axis on the floor vs forward",
                                     plausible=(-35.0, 70.0), one_sided=True),
    "foot_turnout_right": MeasureSpec("deg", "toes outward", ("front",),
                                      (*HIPS, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX),
                                      "right foot axis on the floor vs forward",
                                      plausible=(-35.0, 70.0), one_sided=True),
    "foot_turnout_asymmetry": MeasureSpec(
        "deg", "right foot turned out more", ("front",),
        (*HIPS, L.LEFT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX),
        "foot_turnout_right - foot_turnout_left", plausible=(-80.0, 80.0)),
    "knee_flexion_left": MeasureSpec("deg", "knee bent", ANY_VIEW,
                                     (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE),
                                     "180 - angle(hip, knee, ankle)",
                                     standing=False, plausible=(-20.0, 175.0)),
    "knee_flexion_right": MeasureSpec("deg", "knee bent", ANY_VIEW,
                                      (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE),
                                      "180 - angle(hip, knee, ankle)",
                                      standing=False, plausible=(-20.0, 175.0)),
    "hip_flexion_left": MeasureSpec("deg", "knee forward of the trunk line", SAGITTAL,
                                    (*TRUNK, L.LEFT_KNEE), "thigh vs downward trunk, sagittal",
                                    standing=False, plausible=(-60.0, 175.0)),
    "hip_flexion_right": MeasureSpec("deg", "knee forward of the trunk line", SAGITTAL,
                                     (*TRUNK, L.RIGHT_KNEE), "thigh vs downward trunk, sagittal",
                                     standing=False, plausible=(-60.0, 175.0)),
    "trunk_flexion": MeasureSpec("deg", "trunk leans forward", SAGITTAL, TRUNK,
                                 "trunk from vertical, sagittal plane",
                                 standing=False, plausible=(-45.0, 130.0)),
    # the knees are needed too, but either one will do (a side view hides the far leg):
    # measure_block computes it from the legs that can be seen
    "pelvic_tilt": MeasureSpec("deg", "toward anterior tilt (vs own baseline only)", SAGITTAL,
                               TRUNK,
                               "side-view proxy: mean hip flexion of the legs in view "
                               "(see posture.pelvic_tilt_proxy)",
                               plausible=(-30.0, 45.0)),
}
MEASURES: tuple[str, ...] = tuple(MEASURE_SPECS)


# The estimator each measure uses in the product (``method="product"``), chosen by
# ``posture-check bench accuracy`` on scenes outside the fit family: the lowest held-out MAE among
# estimators never worse than the naive reading there. See the README's accuracy table.
ESTIMATOR: dict[str, Method] = {
    "lateral_lean": "calibrated",
    "pelvic_obliquity": "calibrated",
    "shoulder_tilt": "calibrated",
    "foot_turnout_left": "calibrated",
    "foot_turnout_right": "calibrated",
}
