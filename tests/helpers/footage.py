"""Footage as it reaches the product, made from a frame (test helpers, no model)."""

from __future__ import annotations

import math

import cv2
import numpy as np


def jpeg(rgb: np.ndarray, quality: int) -> np.ndarray:
    """``rgb`` through JPEG at ``quality`` (1-100) and back."""
    ok, data = cv2.imencode(".jpg", rgb, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(data, cv2.IMREAD_UNCHANGED)


def blurred_boxed(rgb: np.ndarray, width: int, height: int, sigma: float = 12.0,
                  dim: float = 1.0) -> tuple[np.ndarray, tuple[int, int]]:
    """``rgb`` centred in a ``width`` x ``height`` frame filled, as apps do, with a copy of it
    zoomed to fill the frame, blurred (``sigma`` px) and dimmed (x ``dim``); and the offset
    ``(x, y)`` of ``rgb`` in it."""
    h, w = rgb.shape[:2]
    s = max(width / w, height / h)
    big = cv2.resize(rgb, (math.ceil(w * s), math.ceil(h * s)), interpolation=cv2.INTER_LINEAR)
    y, x = (big.shape[0] - height) // 2, (big.shape[1] - width) // 2
    out = cv2.GaussianBlur(big[y:y + height, x:x + width], (0, 0), sigma)
    out = (out.astype(np.float32) * dim).astype(np.uint8)
    oy, ox = (height - h) // 2, (width - w) // 2
    out[oy:oy + h, ox:ox + w] = rgb
    return out, (ox, oy)
