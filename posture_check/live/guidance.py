"""What the live check asks of the camera view, and the plain instructions when it does not fit.

:func:`guidance` (pure function) and :func:`stretch_in_view`, over the
:class:`~posture_check.live.config.LiveConfig` (what is asked) and its :data:`FOCUS`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from posture_check.live.config import FOCUS, LiveConfig
from posture_check.measures.quality import inside_frame
from posture_check.pose.landmarks import Landmark as L
from posture_check.presentation import view_label
from posture_check.stretch import CATALOGUE, Stretch

__all__ = ["FEET", "HEAD_AND_SHOULDERS", "all_inside", "guidance", "stretch_in_view"]

#: Landmarks that must be inside the image for "feet in frame" / "head in frame".
FEET = (L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX, L.LEFT_ANKLE,
        L.RIGHT_ANKLE)
HEAD_AND_SHOULDERS = (L.NOSE, L.LEFT_EAR, L.RIGHT_EAR, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)


def _views_text(views: Sequence[str]) -> str:
    if set(views) <= {"left_side", "right_side", "oblique"}:
        return "sideways to the camera"
    if tuple(views) == ("front",):
        return "facing the camera"
    return " or ".join(view_label(v) for v in views)


def guidance(
    person: bool,
    view: str,
    feet_in_frame: bool,
    head_in_frame: bool,
    config: LiveConfig,
    reasons: dict[str, str] | None = None,
) -> tuple[str, ...]:
    """Plain instructions when the camera view does not fit what is asked (pure function).

    Args:
        person: someone was found.
        view: the detected view of the latest frame.
        feet_in_frame / head_in_frame: those landmarks lie inside the image.
        config: what the person is doing (focus or stretch).
        reasons: per-measure gating reasons of the latest frame (for low visibility).
    """
    if not person:
        return ("I can't see anyone: stand 2-3 m from the camera with your whole body in view.",)
    out: list[str] = []
    if not feet_in_frame:
        out.append("Step back: your feet are out of frame.")
    if not head_in_frame:
        out.append("Step back or lower the camera: your head and shoulders are out of frame.")
    if config.stretch is not None:
        st = CATALOGUE[config.stretch]
        if view not in st.views:
            out.append(f"Turn {_views_text(st.views)} for the {st.title.lower()}.")
    else:
        views, _ = FOCUS[config.focus]
        if view not in views:
            if config.focus == "side":
                out.append("Turn sideways for pelvic tilt.")
            else:
                out.append("Face the camera for lean, hip height and foot turn-out "
                           "(turn sideways only for pelvic tilt).")
    if reasons and view != "none":
        low = [k for k in FOCUS[config.focus][1] if reasons.get(k) == "low_visibility"]
        if low and config.stretch is None:
            out.append("Some joints are hard to see: more light, close-fitting clothes, "
                       "and a plain background help.")
    return tuple(out)


def stretch_in_view(stretch: Stretch, view: str) -> bool:
    """The stretch's angle can be measured in ``view``: one of the catalogue's views for it, or
    half turned (a side-view stretch seen at an angle). Facing the camera, a side-view
    stretch's angle is a projection artefact, so the checker gets no angle (no repetition can
    be counted from someone standing still facing the camera)."""
    return view in stretch.views or view == "oblique"


def all_inside(img: np.ndarray, idx: Sequence[int]) -> bool:
    """The landmarks ``idx`` of one frame's ``(33, 3)`` image landmarks all lie in the image."""
    return bool(inside_frame(img[list(idx)]).all())

