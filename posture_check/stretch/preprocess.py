"""Clean an angle time series: uniform resampling, spike removal, zero-phase low-pass.

Everything is timed from timestamps (seconds), never frame counts: the series is resampled onto a
uniform grid first (``fs`` Hz), so dropped frames and jittery timestamps do not bend the time
axis. Gaps up to ``max_gap_s`` are bridged linearly; longer gaps stay NaN and every filter runs on
each NaN-free stretch separately.
"""

from __future__ import annotations

import numpy as np
from scipy import signal

DEFAULT_FS = 30.0
MAX_GAP_S = 1.5


def validate(t_s: np.ndarray, angle_deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Check shapes and timestamps; return float64 copies with duplicate timestamps dropped."""
    t = np.asarray(t_s, dtype=np.float64)
    x = np.asarray(angle_deg, dtype=np.float64)
    if t.ndim != 1 or x.shape != t.shape:
        raise ValueError(
            f"t_s and angle_deg must both have shape (T,), got {t.shape} and {x.shape}")
    if not np.isfinite(t).all():
        raise ValueError("t_s must be finite (a timestamp for every frame)")
    if t.size > 1 and np.any(np.diff(t) < 0):
        raise ValueError("t_s must be non-decreasing (seconds from the container)")
    keep = np.ones(t.size, bool)
    keep[1:] = np.diff(t) > 0
    return t[keep], x[keep]


def runs(mask: np.ndarray) -> np.ndarray:
    """``(K, 2)`` start (inclusive) and stop (exclusive) indices of the True runs of ``mask``."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    edges = np.flatnonzero(np.diff(m.astype(np.int8)))
    return edges.reshape(-1, 2)


def resample_uniform(t_s: np.ndarray, x: np.ndarray, fs: float = DEFAULT_FS,
                     max_gap_s: float = MAX_GAP_S) -> tuple[np.ndarray, np.ndarray]:
    """Resample onto ``t0 + k/fs``; gaps in valid samples longer than ``max_gap_s`` become NaN."""
    t, x = validate(t_s, x)
    ok = np.isfinite(x)
    if ok.sum() < 2:
        tu = np.arange(t[0], t[-1] + 0.5 / fs, 1.0 / fs) if t.size else np.zeros(0)
        return tu, np.full(tu.shape, np.nan)
    tu = np.arange(t[0], t[-1] + 0.5 / fs, 1.0 / fs)
    tv, xv = t[ok], x[ok]
    xu = np.interp(tu, tv, xv, left=np.nan, right=np.nan)
    # NaN where the nearest valid samples on either side are too far apart
    j = np.searchsorted(tv, tu, side="right")
    prev_t = tv[np.clip(j - 1, 0, len(tv) - 1)]
    next_t = tv[np.clip(j, 0, len(tv) - 1)]
    exact = np.isclose(tu, prev_t, atol=1e-9)
    gap = (next_t - prev_t) > max_gap_s
    xu[gap & ~exact] = np.nan
    return tu, xu


def _apply_runs(x: np.ndarray, fn, min_len: int) -> np.ndarray:
    out = np.full_like(x, np.nan)
    for a, b in runs(np.isfinite(x)):
        seg = x[a:b]
        out[a:b] = fn(seg) if b - a >= min_len else seg
    return out


def despike(x: np.ndarray, fs: float, window_s: float = 0.17) -> np.ndarray:
    """Running median over ~``window_s`` (odd samples, >= 3): removes single-frame outliers."""
    k = max(3, round(window_s * fs) | 1)
    return _apply_runs(x, lambda s: signal.medfilt(s, k), k)


def lowpass(x: np.ndarray, fs: float, fc_hz: float, order: int = 2) -> np.ndarray:
    """Zero-phase Butterworth low-pass (``filtfilt``, so the order doubles), per NaN-free run."""
    if fc_hz >= 0.5 * fs:
        return x.copy()
    sos = signal.butter(order, fc_hz, fs=fs, output="sos")
    padlen = 3 * (2 * len(sos) + 1)

    def f(seg: np.ndarray) -> np.ndarray:
        return signal.sosfiltfilt(sos, seg, padtype="odd", padlen=min(padlen, len(seg) - 1))

    return _apply_runs(x, f, padlen + 1)


def derivative(x: np.ndarray, fs: float) -> np.ndarray:
    """Central-difference derivative per NaN-free run (units of ``x`` per second)."""
    return _apply_runs(x, lambda s: np.gradient(s, 1.0 / fs), 2)
