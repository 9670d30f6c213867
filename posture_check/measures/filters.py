"""Smoothing of measure time series: zero-phase for recordings, One Euro for live frames.

Filters act on the measures (degrees, cm), not on landmarks: it is ~15 channels instead of 99,
the gating NaNs are already in place, and angles of a standing person never wrap.

* :func:`zero_phase` (recorded video): 2nd-order Butterworth low-pass run forward and backward
  (``scipy.signal.sosfiltfilt``, so effectively 4th order, no lag). Default cutoff
  :data:`ZERO_PHASE_CUTOFF_HZ` = 4 Hz: keeps slow posture and a 2 Hz "bouncing" stretch
  (gain 0.94 at 2 Hz) while removing frame-to-frame landmark jitter. Runs on each NaN-free
  stretch; gaps up to :data:`MAX_GAP_S` are bridged by linear interpolation for the filter and
  then put back as NaN, so the output is NaN exactly where the input was.
* :class:`OneEuro` (live frames, Casiez, Roussel & Vogel, CHI 2012): adaptive low-pass whose
  cutoff rises with speed: cutoff = min_cutoff + beta * |d value / dt|. Defaults for measures in
  degrees (:data:`ONE_EURO_DEFAULTS`): min_cutoff 0.8 Hz (a still posture is steady within a
  second), beta 0.04 per deg/s (a 40 deg/s stretch movement gets ~2.4 Hz, little lag),
  d_cutoff 1 Hz. MediaPipe's own landmark smoothing uses min_cutoff 0.05, beta 80 on
  object-size-scaled landmarks, a different unit, so its values do not transfer. Vectorized
  over channels; constant work per frame. A NaN input yields NaN and, after a gap longer than
  ``reset_after_s``, the filter restarts from the next value.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import signal

__all__ = [
    "MAX_GAP_S",
    "ONE_EURO_DEFAULTS",
    "ZERO_PHASE_CUTOFF_HZ",
    "OneEuro",
    "OneEuroParams",
    "one_euro",
    "zero_phase",
]

ZERO_PHASE_CUTOFF_HZ = 4.0
MAX_GAP_S = 0.25


@dataclass(frozen=True)
class OneEuroParams:
    """One Euro parameters: cutoffs in Hz, ``beta`` in Hz per (unit/s) of the signal."""

    min_cutoff: float = 0.8
    beta: float = 0.04
    d_cutoff: float = 1.0
    reset_after_s: float = 0.5


ONE_EURO_DEFAULTS = OneEuroParams()


def _alpha(cutoff: np.ndarray, dt: float | np.ndarray) -> np.ndarray:
    tau = 1.0 / (2.0 * np.pi * cutoff)
    return 1.0 / (1.0 + tau / dt)


class OneEuro:
    """Vectorized One Euro filter over ``n_channels`` channels; call once per frame."""

    def __init__(self, n_channels: int, params: OneEuroParams = ONE_EURO_DEFAULTS) -> None:
        self.params = params
        self._x = np.full(n_channels, np.nan)
        self._dx = np.zeros(n_channels)
        self._t_last = np.full(n_channels, np.nan)

    def __call__(self, x: np.ndarray, t_s: float) -> np.ndarray:
        """Filter one frame ``x`` ``(n_channels,)`` taken at ``t_s`` seconds; returns a copy."""
        p = self.params
        x = np.asarray(x, dtype=np.float64)
        dt = t_s - self._t_last
        fresh = ~np.isfinite(self._x) | ~(dt > 0) | (dt > p.reset_after_s)
        dt_safe = np.where(fresh, 1.0, dt)
        dx = np.where(fresh, 0.0, (x - self._x) / dt_safe)
        dx_hat = np.where(fresh, 0.0, self._dx + _alpha(np.full_like(x, p.d_cutoff), dt_safe)
                          * (dx - self._dx))
        cutoff = p.min_cutoff + p.beta * np.abs(dx_hat)
        x_hat = np.where(fresh, x, self._x + _alpha(cutoff, dt_safe) * (x - self._x))
        ok = np.isfinite(x)
        self._x = np.where(ok, x_hat, self._x)
        self._dx = np.where(ok, dx_hat, self._dx)
        self._t_last = np.where(ok, t_s, self._t_last)
        return np.where(ok, x_hat, np.nan)


def one_euro(values: np.ndarray, t_s: np.ndarray,
             params: OneEuroParams = ONE_EURO_DEFAULTS) -> np.ndarray:
    """Run :class:`OneEuro` over a recorded ``(T,)`` or ``(T, C)`` series (causal, as live).

    The filter is a recursion in time, so this loops over frames (vectorized over channels);
    prefer :func:`zero_phase` for recordings.
    """
    v = np.asarray(values, dtype=np.float64)
    flat = v.reshape(len(v), -1)
    f = OneEuro(flat.shape[1], params)
    out = np.empty_like(flat)
    for i, t in enumerate(np.asarray(t_s, dtype=np.float64)):
        out[i] = f(flat[i], float(t))
    return out.reshape(v.shape)


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and stop indices of runs of True in a 1D bool array."""
    d = np.diff(np.concatenate([[0], mask.view(np.int8), [0]]))
    return np.flatnonzero(d == 1), np.flatnonzero(d == -1)


def zero_phase(
    values: np.ndarray, t_s: np.ndarray, cutoff_hz: float = ZERO_PHASE_CUTOFF_HZ, order: int = 2,
    max_gap_s: float = MAX_GAP_S,
) -> np.ndarray:
    """Zero-phase Butterworth low-pass of a ``(T,)`` or ``(T, C)`` series with NaN gaps.

    The sample rate is the median frame rate of ``t_s``. Returns NaN exactly where ``values``
    is NaN; stretches too short for the filter (< 3 samples) are returned unfiltered.
    """
    v = np.asarray(values, dtype=np.float64)
    t = np.asarray(t_s, dtype=np.float64)
    if v.shape[0] != t.shape[0]:
        raise ValueError("values and t_s must have the same length, "
                         f"got {v.shape[0]} and {t.shape[0]}")
    flat = v.reshape(len(v), -1)
    out = flat.copy()
    if len(t) < 3:
        return out.reshape(v.shape)
    dt = float(np.median(np.diff(t)))
    if not dt > 0:
        return out.reshape(v.shape)
    fs = 1.0 / dt
    if cutoff_hz >= 0.45 * fs:
        warnings.warn(f"zero_phase: cutoff {cutoff_hz} Hz too close to Nyquist at {fs:.1f} fps; "
                      "not filtered", RuntimeWarning, stacklevel=2)
        return out.reshape(v.shape)
    sos = signal.butter(order, cutoff_hz, fs=fs, output="sos")
    max_gap = max(round(max_gap_s * fs), 0)
    finite = np.isfinite(flat)
    full = finite.all(axis=0)
    if full.any():  # the common case: no gap at all, filter those channels in one call
        cols = np.flatnonzero(full)
        padlen = min(3 * (2 * len(sos) + 1), len(t) - 1)
        out[:, cols] = signal.sosfiltfilt(sos, np.ascontiguousarray(flat[:, cols].T),
                                          padlen=padlen).T
    idx = np.arange(len(t))
    for c in np.flatnonzero(~full & finite.any(axis=0)):
        col = flat[:, c]
        ok = finite[:, c]
        # bridge short gaps for the filter only
        bridged = ok.copy()
        gs, ge = _runs(~ok)
        for s, e in zip(gs, ge, strict=True):
            if s > 0 and e < len(col) and e - s <= max_gap:
                bridged[s:e] = True
        filled = np.interp(idx, idx[ok], col[ok])
        starts, stops = _runs(bridged)
        for s, e in zip(starts, stops, strict=True):
            n = e - s
            if n < 3:
                continue
            padlen = min(3 * (2 * len(sos) + 1), n - 1)
            out[s:e, c] = signal.sosfiltfilt(sos, filled[s:e], padlen=padlen)
        out[~ok, c] = np.nan
    return out.reshape(v.shape)
