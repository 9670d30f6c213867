"""Flip test-time augmentation: the pose of a frame averaged with the pose of its mirror image.

MediaPipe's pose model is not mirror-symmetric: the same person filmed in a mirror gets foot
turn-out readings several degrees apart and a side bias in its world depth (a subject squarely
facing the camera reads ~3-4 deg "right shoulder nearer", in the original and the mirrored image
alike). Running the model on the frame and on its horizontal mirror, mapping the mirror's
landmarks back (x -> 1 - x, world x -> -x, the subject's left and right swapped) and averaging
both makes every reading exactly mirror-equivariant: the mirror of a clip gives the swapped
readings, because the two passes simply trade places. It costs a second model run per frame, so
recordings and photos use it (``AnalysisOptions.flip_average``) and the live check does not.
"""

from __future__ import annotations

import numpy as np

from posture_check.pose.landmarks import MIRROR_PERMUTATION

__all__ = ["average_with_mirror", "unmirror"]

_PERM = np.asarray(MIRROR_PERMUTATION)


def unmirror(image: np.ndarray, world: np.ndarray, visibility: np.ndarray,
             presence: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Landmarks found in a horizontally mirrored frame, expressed in the original frame.

    Arrays are ``(..., 33, 3)`` (normalized image, world metres) and ``(..., 33)``.
    """
    img = image[..., _PERM, :].copy()
    img[..., 0] = 1.0 - img[..., 0]
    wld = world[..., _PERM, :].copy()
    wld[..., 0] = -wld[..., 0]
    return img, wld, visibility[..., _PERM].copy(), presence[..., _PERM].copy()


def average_with_mirror(
    original: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    mirrored: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Mean of the original pass and the mirrored pass (already :func:`unmirror`-ed).

    Where the mirrored pass found nobody (``None`` or NaN) the original is kept as it is; where
    the original found nobody the result stays NaN (the person followed is the original's).
    """
    if mirrored is None:
        return original
    out = []
    for a, b in zip(original, mirrored, strict=True):
        a = np.asarray(a, np.float64)
        b = np.asarray(b, np.float64)
        out.append(np.where(np.isfinite(b), 0.5 * (a + b), a))
    return out[0], out[1], out[2], out[3]
