"""Bouncing and pushing during a hold.

Bouncing ("pulsing", doc 003; the AAOS: "do not bounce") is an oscillation of the stretch angle
while holding: several reversals at 0.5-3 Hz, each swing more than a few degrees. Physiological
tremor lives at 6-12 Hz and MediaPipe jitter is broadband, so the angle is low-passed at 4 Hz first
(:mod:`.preprocess`), then the slow trend (drifting gently deeper is fine) is removed with a
0.3 Hz low-pass, and reversals are found with a hysteresis of ``min_swing_deg`` peak-to-peak
(a reversal counts only once the angle has come back that far from its last extreme, so jitter
cannot create one). Bouncing = at least ``min_reversals`` consecutive reversals whose half-periods
lie in the 0.5-3 Hz band (accepted as 0.4-3.5 Hz, see :data:`DETECT_BAND_HZ`), *and* the
oscillation is one rhythm (:func:`periodicity` >= 0.6): MediaPipe sometimes loses a far-side leg
in a side view and its angle then jumps +/-10 deg erratically, which is not a bounce. The 7 deg
swing threshold keeps 1-2 deg of MediaPipe-like jitter (plus a +/-2 deg tremble) from ever
qualifying.

Pushing = an abrupt deepening during the hold: the angle speeds deeper faster than
``push_speed_deg_s`` and the median angle of the second after the burst is at least
``push_min_deg`` deeper than that of the second before (a tracking glitch that jumps and comes
back is not a push).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal

from posture_check.stretch.preprocess import lowpass, runs

BAND_HZ = (0.5, 3.0)  # nominal bounce band
#: band actually accepted: half-periods are measured between sampled extremes, so a 3 Hz bounce
#: scatters around the nominal edge; accept 0.4-3.5 Hz.
DETECT_BAND_HZ = (0.4, 3.5)
MIN_SWING_DEG = 7.0  # peak-to-peak, i.e. +/- 3.5 deg: "more than a few degrees"
MIN_REVERSALS = 5  # two and a half back-and-forth cycles
TREND_HZ = 0.3
MIN_PERIODICITY = 0.6
PUSH_SPEED_DEG_S = 30.0
PUSH_MIN_DEG = 4.0


@dataclass(frozen=True)
class BounceResult:
    """Oscillation found in a hold.

    Attributes:
        bouncing: at least ``MIN_REVERSALS`` consecutive in-band reversals.
        n_reversals: reversals in the longest in-band run.
        amplitude_deg: half the median peak-to-peak swing of that run (NaN if none).
        frequency_hz: 1 / (2 * median half-period) of that run (NaN if none).
        periodicity: share of the 0.4-3.5 Hz power within +/-0.25 Hz of its peak (0..1): a
            bounce is one rhythm (0.75-1.0 in our trials), pose-estimation glitches are not
            (0.2-0.45).
        reversal_t_s: times of all reversals found (s, same clock as the input).
        n_pushes: abrupt deepenings (see module docstring).
        push_t_s: start times of those pushes.
        max_push_deg: largest angle gained in one push (0 if none).
    """

    bouncing: bool
    n_reversals: int
    amplitude_deg: float
    frequency_hz: float
    periodicity: float
    reversal_t_s: np.ndarray
    n_pushes: int
    push_t_s: np.ndarray
    max_push_deg: float


def reversals(x: np.ndarray, min_swing: float) -> tuple[np.ndarray, np.ndarray]:
    """Turning points of ``x`` (NaN-free) found with a hysteresis of ``min_swing``.

    An extreme is confirmed once the signal has come back ``min_swing`` from it. Returns the
    indices of the confirmed extremes and, for each, the peak-to-peak swing from the previous
    extreme (NaN for the first). One pass over the samples of one hold; the online checker runs
    the same state machine a sample at a time.
    """
    idx: list[int] = []
    hi_i = lo_i = 0
    looking = 0  # +1: looking for a maximum, -1: for a minimum, 0: either
    for i in range(1, x.size):
        if x[i] > x[hi_i]:
            hi_i = i
        if x[i] < x[lo_i]:
            lo_i = i
        if looking >= 0 and x[hi_i] - x[i] >= min_swing:
            idx.append(hi_i)
            looking, lo_i = -1, i
        elif looking <= 0 and x[i] - x[lo_i] >= min_swing:
            idx.append(lo_i)
            looking, hi_i = 1, i
    out = np.asarray(idx, int)
    swing = np.full(out.size, np.nan)
    if out.size > 1:
        swing[1:] = np.abs(np.diff(x[out]))
    return out, swing


def _longest_true_run(mask: np.ndarray) -> tuple[int, int]:
    r = runs(mask)
    if len(r) == 0:
        return 0, 0
    k = int(np.argmax(r[:, 1] - r[:, 0]))
    return int(r[k, 0]), int(r[k, 1])


def analyze_hold(t_s: np.ndarray, depth4: np.ndarray, trend: np.ndarray, speed_deg_s: np.ndarray,
                 band_hz: tuple[float, float] = DETECT_BAND_HZ,
                 min_swing_deg: float = MIN_SWING_DEG,
                 min_reversals: int = MIN_REVERSALS, push_speed_deg_s: float = PUSH_SPEED_DEG_S,
                 push_min_deg: float = PUSH_MIN_DEG) -> BounceResult:
    """Bounce and push metrics of one hold.

    Args:
        t_s: uniform times of the hold samples (s).
        depth4: stretch depth low-passed below tremor (deg, larger = deeper).
        trend: the same depth low-passed at ``TREND_HZ`` (deg).
        speed_deg_s: d depth/dt, smoothed (deg/s).
    """
    ok = np.isfinite(depth4) & np.isfinite(trend)
    t, osc = t_s[ok], (depth4 - trend)[ok]
    idx, swing = reversals(osc, min_swing_deg)
    rev_t = t[idx]
    n_rev, amp, freq = 0, float("nan"), float("nan")
    if idx.size >= 2:
        half = np.diff(rev_t)
        in_band = (half >= 0.5 / band_hz[1]) & (half <= 0.5 / band_hz[0])
        a, b = _longest_true_run(in_band)  # b - a in-band half-periods => b - a + 1 reversals
        if b > a:
            n_rev = b - a + 1
            amp = float(np.nanmedian(swing[a + 1:b + 1]) / 2.0)
            freq = float(1.0 / (2.0 * np.median(half[a:b])))
    # pushes: bursts of deepening speed that gain enough depth
    v = np.where(np.isfinite(speed_deg_s), speed_deg_s, 0.0)
    push_t, gains = [], []
    sec = max(round(1.0 / float(np.median(np.diff(t_s)))), 1) if t_s.size > 1 else 1
    for a, b in runs(v > push_speed_deg_s):
        # the deeper angle must last: median of the second after minus the second before
        before, after = depth4[max(a - sec, 0):a + 1], depth4[b:b + sec]
        if not (np.isfinite(before).any() and np.isfinite(after).any()):
            continue
        gain = np.nanmedian(after) - np.nanmedian(before)
        if np.isfinite(gain) and gain >= push_min_deg:
            push_t.append(t_s[a])
            gains.append(float(gain))
    period = periodicity(osc, 1.0 / np.median(np.diff(t)) if t.size > 1 else 30.0, band_hz)
    bouncing = n_rev >= min_reversals and period >= MIN_PERIODICITY
    return BounceResult(
        bouncing=bool(bouncing), n_reversals=int(n_rev), amplitude_deg=amp, frequency_hz=freq,
        periodicity=period,
        reversal_t_s=rev_t, n_pushes=0 if bouncing else len(push_t),
        push_t_s=np.zeros(0) if bouncing else np.asarray(push_t, float),
        max_push_deg=0.0 if bouncing or not gains else max(gains),
    )


def periodicity(osc: np.ndarray, fs: float, band_hz: tuple[float, float] = DETECT_BAND_HZ,
                half_width_hz: float = 0.25) -> float:
    """Share of the in-band power of ``osc`` (detrended, uniform at ``fs``) that lies within
    ``half_width_hz`` of its strongest frequency (Hann-windowed periodogram, zero-padded to 20 s).
    NaN when the segment is shorter than one cycle of the lowest band frequency."""
    x = np.asarray(osc, float)
    x = x[np.isfinite(x)]
    if x.size < fs / band_hz[0]:
        return float("nan")
    x = x - x.mean()
    f, p = signal.periodogram(x, fs, window="hann", nfft=max(x.size, int(fs * 20)))
    band = (f >= band_hz[0]) & (f <= band_hz[1])
    fb, pb = f[band], p[band]
    if pb.sum() <= 0:
        return 0.0
    near = np.abs(fb - fb[np.argmax(pb)]) <= half_width_hz
    return float(pb[near].sum() / pb.sum())


def trend_of(depth4: np.ndarray, fs: float) -> np.ndarray:
    """The slow part of the depth (``TREND_HZ`` low-pass) that the bounce test ignores."""
    return lowpass(depth4, fs, TREND_HZ)
