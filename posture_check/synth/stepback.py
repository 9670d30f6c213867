"""Test footage for the set-up check: a person who starts too close, half out of the picture,
then steps back into place.

Made from a rendered clip's frames (:mod:`posture_check.synth`) by zooming into them: a zoom
``z`` about a point is what the camera sees when the person stands ``z`` times nearer (for a
body far from the background, a fair approximation). The zoom holds at ``z0`` for ``near_s``
seconds, eases to 1 over ``step_s`` seconds (the step back) and stays at 1; the source frames
loop.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import cv2
import numpy as np

__all__ = ["stepback_frames", "zoom_frame"]


def zoom_frame(rgb: np.ndarray, zoom: float, cx: float, cy: float) -> np.ndarray:
    """``rgb`` magnified ``zoom`` times about the normalized point (cx, cy), which lands at the
    centre of the frame (edges repeated where the view runs out)."""
    h, w = rgb.shape[:2]
    if abs(zoom - 1.0) < 1e-6:
        return rgb
    m = np.array([[zoom, 0.0, w / 2 - zoom * cx * w], [0.0, zoom, h / 2 - zoom * cy * h]])
    return cv2.warpAffine(rgb, m, (w, h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)


def stepback_frames(frames: Sequence[np.ndarray], fps: float, *, near_s: float = 4.0,
                    step_s: float = 1.0, after_s: float = 10.0, z0: float = 1.9,
                    cx: float = 0.66, cy: float = 0.33) -> Iterator[np.ndarray]:
    """Frames of the step-back clip (module docstring): ``near_s`` seconds zoomed ``z0`` about
    (cx, cy) (head and feet cut, body at the left edge), ``step_s`` seconds easing back,
    ``after_s`` seconds as rendered."""
    n = round((near_s + step_s + after_s) * fps)
    for i in range(n):
        t = i / fps
        if t < near_s:
            z, k = z0, 0.0
        elif t < near_s + step_s:
            k = (t - near_s) / step_s
            k = k * k * (3 - 2 * k)  # smooth step
            z = z0 + (1.0 - z0) * k
        else:
            z, k = 1.0, 1.0
        x = cx + (0.5 - cx) * k
        y = cy + (0.5 - cy) * k
        yield zoom_frame(frames[i % len(frames)], z, x, y)
