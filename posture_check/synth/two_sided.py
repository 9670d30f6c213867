"""Test footage for the guided routine: one rendered one-side stretch, then the same stretch on
the other side.

The other side is the mirror image of the rendered clip: mirrored, a person stretching the right
hip seen from their right is a person stretching the left hip seen from their left (the
labels' sides swap). Optionally a stretch of the hold is cut out (to keep tests short; the
hold must stay above the target) and a pause of standing is put between the two sides (the
routine's rest).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["two_sided_frames"]


def two_sided_frames(frames: Sequence[np.ndarray], fps: float, *,
                     cut_s: tuple[float, float] | None = None, pause_s: float = 3.0
                     ) -> list[np.ndarray]:
    """The clip, ``pause_s`` seconds of its last frame, then the mirrored clip; ``cut_s``
    (from, to) seconds are removed from both."""
    keep = list(frames)
    if cut_s is not None:
        a, b = (round(x * fps) for x in cut_s)
        keep = keep[:a] + keep[b:]
    pause = [keep[-1]] * round(pause_s * fps)
    mirrored = [np.ascontiguousarray(f[:, ::-1]) for f in keep]
    return [*keep, *pause, *mirrored]
