"""Movement smoothness of a speed profile: SPARC and log dimensionless jerk (LDLJ).

Reference: S. Balasubramanian, A. Melendez-Calderon, A. Roby-Brami, E. Burdet, "On the analysis
of movement smoothness", J NeuroEng Rehabil 12:112 (2015). Both take the *speed* profile of one
discrete movement (here |d angle/dt| of moving in or out, deg/s) sampled at ``fs`` Hz; both are
negative and closer to zero = smoother; both are independent of amplitude and duration.

* SPARC: arc length of the amplitude-normalized Fourier magnitude spectrum, from 0 Hz up to the
  last frequency below ``fc_hz`` whose magnitude is still above ``amp_threshold``; the frequency
  axis is normalized by that cut-off. A smooth bell-shaped profile gives about -1.4; adding
  sub-movements lowers it.
* LDLJ: -ln( T^3 / v_peak^2 * integral (d^2 v/dt^2)^2 dt ) with T the movement duration.
"""

from __future__ import annotations

import numpy as np


def _check(speed: np.ndarray, fs: float) -> np.ndarray:
    v = np.asarray(speed, dtype=np.float64)
    if v.ndim != 1:
        raise ValueError(f"speed must have shape (N,), got {v.shape}")
    if not fs > 0:
        raise ValueError(f"fs must be positive, got {fs}")
    return v


def sparc(speed: np.ndarray, fs: float, pad_level: int = 4, fc_hz: float = 10.0,
          amp_threshold: float = 0.05) -> float:
    """Spectral arc length (dimensionless, <= 0). NaN if the profile is too short or all zero."""
    v = _check(speed, fs)
    if v.size < 3 or not np.isfinite(v).all() or not np.any(v):
        return float("nan")
    n_fft = 1 << (int(np.ceil(np.log2(v.size))) + pad_level)
    mag = np.abs(np.fft.rfft(v, n_fft))
    freq = np.fft.rfftfreq(n_fft, 1.0 / fs)
    mag = mag / mag.max()
    inside = freq <= fc_hz
    freq, mag = freq[inside], mag[inside]
    above = np.flatnonzero(mag >= amp_threshold)
    lo, hi = above[0], above[-1] + 1
    freq, mag = freq[lo:hi], mag[lo:hi]
    if freq.size < 2:
        return 0.0
    df = np.diff(freq) / (freq[-1] - freq[0])
    return float(-np.sum(np.hypot(df, np.diff(mag))))


def ldlj(speed: np.ndarray, fs: float) -> float:
    """Log dimensionless jerk of a speed profile (<= 0 for real movements). NaN if degenerate."""
    v = _check(speed, fs)
    if v.size < 4 or not np.isfinite(v).all():
        return float("nan")
    dt = 1.0 / fs
    duration = v.size * dt
    peak = np.max(np.abs(v))
    if peak <= 0:
        return float("nan")
    jerk = np.diff(v, n=2) / dt**2
    dimless = duration**3 / peak**2 * np.sum(jerk**2) * dt
    return float(-np.log(dimless)) if dimless > 0 else float("nan")
