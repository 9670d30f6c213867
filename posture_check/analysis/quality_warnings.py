"""Quality warnings: problems with a recording that limit what can be measured
(body part out of frame, several people, short, low frame rate, camera tilted, moving,
no front view).

Decision: a warning is raised when an issue affects at least :data:`WARN_FRACTION` (10 %) of the
frames in which the person was found.
"""

from __future__ import annotations

import numpy as np

from posture_check.analysis.results import QualityWarning
from posture_check.measures import MeasureSeries
from posture_check.measures.camera_roll import LARGE_ROLL_DEG
from posture_check.measures.quality import landmark_flags
from posture_check.pose.landmarks import Landmark as L
from posture_check.pose.series import PoseSeries

__all__ = ["BODY_PARTS", "WARN_FRACTION", "quality_warnings"]

WARN_FRACTION = 0.10

# Body parts checked for "out of frame" warnings (subject's own landmarks).
BODY_PARTS: dict[str, tuple[int, ...]] = {
    "feet": (L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT_INDEX,
             L.RIGHT_FOOT_INDEX),
    "knees": (L.LEFT_KNEE, L.RIGHT_KNEE),
    "hips": (L.LEFT_HIP, L.RIGHT_HIP),
    "shoulders": (L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
    "head": (L.NOSE, L.LEFT_EAR, L.RIGHT_EAR),
}


# --------------------------------------------------------------------------------------- checks
def _fmt_pct(f: float) -> str:
    return f"{100.0 * f:.0f}%"


def quality_warnings(series: PoseSeries, measures: MeasureSeries, kind: str = "video"
                     ) -> list[QualityWarning]:
    """Warnings about the recording (see module docstring for the threshold)."""
    out: list[QualityWarning] = []
    n = len(series)
    det = series.detected
    n_det = int(det.sum())
    if kind == "image":
        out.append(QualityWarning(
            "single_photo", "A single photo shows one moment: the findings treat it as a held "
            "pose. A 10-second video standing still is more reliable.", None))
    missing = 1.0 - n_det / max(n, 1)
    if n_det and missing >= WARN_FRACTION:
        out.append(QualityWarning(
            "person_not_found", f"No person was found in {_fmt_pct(missing)} of the frames; "
            "those frames are left out.", missing))
    ppf = series.counts
    if ppf.shape == (n,):
        multi = float(np.mean(ppf > 1))
        if multi > 0:
            out.append(QualityWarning(
                "several_people", f"Several people in view in {_fmt_pct(multi)} of the frames: "
                "followed the most prominent person. Record alone for the best results.", multi))
    if n_det == 0:
        return out
    inside, visible = landmark_flags(series.image, series.visibility, series.presence)
    for part, idx in BODY_PARTS.items():
        frac = float(np.mean(~inside[det][:, list(idx)].all(axis=1)))
        if frac >= WARN_FRACTION:
            hint = {"feet": "step back or tilt the camera down so both feet show; foot "
                            "turn-out is measured only where both feet are in the picture.",
                    "knees": "step back so the whole body shows.",
                    "hips": "step back so the whole body shows; lean and hip height need the "
                            "hips in the picture.",
                    "shoulders": "step back so the whole body shows.",
                    "head": "step back or raise the camera so the head shows."}[part]
            out.append(QualityWarning(f"{part}_out_of_frame",
                                      f"{part.capitalize()} out of frame in {_fmt_pct(frac)} of "
                                      f"the frames with the person: {hint}", frac))
    trunk = [L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP]
    low = float(np.mean(~visible[det][:, trunk].all(axis=1)))
    if low >= WARN_FRACTION:
        out.append(QualityWarning(
            "low_visibility", f"Shoulders or hips hard to see in {_fmt_pct(low)} of the frames "
            "with the person (loose clothing, poor light or something in the way).", low))
    if kind == "video" and n > 1:
        dur = float(series.t_s[-1] - series.t_s[0])
        if dur < 3.0:
            out.append(QualityWarning(
                "short_recording", f"The recording is only {dur:.1f} s long; findings need a few "
                "seconds of standing still. Record at least 10 s.", None))
        fps = (n - 1) / dur if dur > 0 else 0.0
        if 0 < fps < 10:
            out.append(QualityWarning(
                "low_frame_rate", f"Low frame rate ({fps:.2g} fps): fast movements and bouncing "
                "may be missed.", None))
    roll = measures.meta.get("roll_deg", 0.0)
    if measures.meta.get("roll_source") == "scene" and abs(roll) >= LARGE_ROLL_DEG:
        out.append(QualityWarning(
            "camera_tilted", f"The camera is tilted by about {abs(roll):.0f} degrees; it was "
            "corrected from the room's vertical lines, but a level camera gives the most "
            "reliable lean and hip readings.", None))
    quiet = measures.meta.get("quiet_standing_share", 1.0)
    if kind == "video" and quiet < 1.0 - WARN_FRACTION:
        out.append(QualityWarning(
            "not_standing_still", f"You were moving in {_fmt_pct(1.0 - quiet)} of the frames "
            "with you in view: posture is read only while you stand still. Stand still, "
            "facing the camera, for at least 5 seconds.", 1.0 - quiet))
    views = measures.view[det]
    frontal = float(np.isin(views, ("front", "back")).mean())
    side = float(np.isin(views, ("left_side", "right_side")).mean())
    if frontal < WARN_FRACTION:
        out.append(QualityWarning(
            "no_front_view", "The camera never faced you from the front: lean, hip height and "
            "foot turn-out need a front view.", 1.0 - frontal))
    if side < WARN_FRACTION and frontal < 1.0 - WARN_FRACTION:
        pass  # mixed/oblique views are normal while turning; nothing to say
    return out
