"""Split a stretch recording into repetitions and phases: moving in, holding, moving out, rest.

Input is the cleaned, uniformly sampled *depth* (``direction * angle``, larger = deeper; see
:mod:`.catalogue`) in three smoothings from :func:`prepare`: ``depth`` (4 Hz low-pass, tremor and
jitter removed), ``slow`` (0.5 Hz low-pass, only used to find repetitions) and ``speed`` (derivative
of the 2 Hz low-pass, deg/s).

1. Repetitions: hysteresis on ``slow``: in the stretch once above the engage threshold
   (:func:`engage_threshold`), out again only 30 % of ``engage_deg`` (>= 2 deg) below it.
   The 0.5 Hz signal does not follow a 0.5-3 Hz bounce, so a
   bouncing hold stays one repetition. Windows shorter than ``MIN_REP_S`` are jitter.
2. **The hold** (the definition every hold time in the product uses; doc 003's "hold for
   20-30 s" counts this time):

       the hold of a repetition runs from the first moment its angle comes within the band
       ``delta`` of its plateau level P to the last moment it is within that band before the
       angle leaves for the next rest; ``delta = max(1 deg, 1.5 % of the excursion P - R,
       1.5 x the plateau's own robust spread)``.

   "Within the band" is one-sided, ``depth >= P - delta``: an overshoot or a push is still
   holding; dips inside the hold do not split it. P is the median of the 0.7 Hz signal ``c``
   while within ``max(2 deg, 5 %)`` of P (:func:`_plateau`), the spread 1.4826 x the median
   absolute deviation of ``c`` from P; R is the median of the rest before. A hold whose level
   changes by more than ``max(PUSH_MIN_DEG, 12 %)`` is timed against the level of its first
   third at the start and its last third at the end (:func:`_edge_levels`). No ramp shape is
   assumed: the edges are the crossing times of ``P - delta`` by ``c`` (:func:`hold_edges`),
   each the best split into outside-then-inside (:func:`_split`) of the samples between the
   first (last) moment at P and the nearest sample more than ``h = max(1 deg, min(2.5 x
   spread, 25 % of the excursion))`` below the band.
3. Moving in starts (moving out ends) at the last (first) moment the same low-pass is within
   ``max(delta, h)`` of the rest level R.
4. Everything outside repetitions is rest.

All boundaries are sample indices on the uniform grid; durations are differences of its times.
Why this rule, the choices measured with ``posture-check bench stretch`` and the ramp-fit it
replaced: see docs/decisions/hold-definition.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posture_check.stretch.bounce import PUSH_MIN_DEG
from posture_check.stretch.preprocess import (
    DEFAULT_FS,
    MAX_GAP_S,
    derivative,
    despike,
    lowpass,
    resample_uniform,
    runs,
)

TREMOR_CUTOFF_HZ = 4.0  # below physiological tremor (6-12 Hz)
SPEED_CUTOFF_HZ = 2.0
SLOW_CUTOFF_HZ = 0.5
MIN_REP_S = 1.0
SEARCH_S = 10.0  # how far outside a window to look for the start / end of the movement
LEVEL_CUTOFF_HZ = 0.7  # low-pass of the signal whose band crossings time the hold
HOLD_HYST_MIN_DEG = 1.0
HOLD_BAND_NOISE_K = 1.5  # band: x the plateau's robust spread
HOLD_HYST_NOISE_K = 2.5  # hysteresis: x the plateau's robust spread
PHASES = ("rest", "moving_in", "holding", "moving_out")
HOLD_BAND_DEG = 1.0
HOLD_BAND_FRACTION = 0.015


def hold_band_deg(excursion_deg: float, spread_deg: float = 0.0) -> float:
    """Width (deg) of the band below the plateau level that counts as holding (module
    docstring): ``max(1 deg, 1.5 % of the excursion, 1.5 x the plateau's robust spread)``."""
    return max(HOLD_BAND_DEG, HOLD_BAND_FRACTION * abs(float(excursion_deg)),
               HOLD_BAND_NOISE_K * float(spread_deg))


@dataclass(frozen=True)
class Prepared:
    """Uniformly resampled, cleaned depth signals (see module docstring)."""

    t_s: np.ndarray
    fs: float
    raw: np.ndarray
    depth: np.ndarray
    slow: np.ndarray
    speed: np.ndarray


@dataclass(frozen=True)
class Segment:
    """One repetition as indices into :class:`Prepared` arrays (``start <= hold_start <= hold_end
    <= end``), its hold level and whether the recording cut it."""

    start: int
    hold_start: int
    hold_end: int
    end: int
    hold_level: float
    rest_level: float
    cut_at_start: bool
    cut_at_end: bool
    band_deg: float = float("nan")


def prepare(t_s: np.ndarray, depth_deg: np.ndarray, fs: float = DEFAULT_FS,
            max_gap_s: float = MAX_GAP_S) -> Prepared:
    """Resample to ``fs``, remove single-frame spikes and low-pass (see module docstring)."""
    tu, xu = resample_uniform(t_s, depth_deg, fs, max_gap_s)
    x = despike(xu, fs)
    depth = lowpass(x, fs, TREMOR_CUTOFF_HZ)
    slow = lowpass(x, fs, SLOW_CUTOFF_HZ)
    speed = derivative(lowpass(x, fs, SPEED_CUTOFF_HZ), fs)
    return Prepared(tu, fs, xu, depth, slow, speed)


def hysteresis(x: np.ndarray, on: float, off: float) -> np.ndarray:
    """Bool state: True from a sample above ``on`` until one below ``off`` (NaN counts as off)."""
    set_ = x > on
    reset = ~(x >= off)  # includes NaN
    last = np.where(set_ | reset, np.arange(x.size), -1)
    last = np.maximum.accumulate(last)
    return (last >= 0) & set_[np.clip(last, 0, None)]


def engage_threshold(slow: np.ndarray, engage_deg: float, margin_deg: float = 5.0,
                     fraction: float = 0.25) -> float:
    """Depth above which a repetition starts: the catalogue's ``engage_deg``, raised when the
    person's resting angle reads deeper than that (MediaPipe reads a resting split stance as
    ~9 deg of hip extension) to ``rest + max(margin, fraction * (p95 - rest))``, with rest the
    5th percentile of the slow depth. A recording without a clear excursion (p95 - rest below two
    margins: e.g. it starts and ends in the hold) keeps the absolute ``engage_deg``."""
    if not np.isfinite(slow).any():
        return engage_deg
    rest, high = np.nanpercentile(slow, [5, 95])
    if high - rest < 2 * margin_deg:
        return engage_deg
    return float(max(engage_deg, rest + max(margin_deg, fraction * (high - rest))))


def _plateau(x: np.ndarray, c: np.ndarray, a: int, b: int, rest: float
             ) -> tuple[float, int, int]:
    """Plateau level P of window ``[a, b)`` and the first / last index where ``c`` reaches it.

    First guess: the median of the samples of ``x`` above 60 % of the window's excursion from
    ``rest``; then, twice, the median of ``c`` between the first and last moment ``c`` comes
    within ``max(2 deg, 5 % of the excursion)`` of the current guess (the ramps' upper parts no
    longer pull it down, a bounce is averaged, and noise at the edges does not push it up)."""
    win = x[a:b]
    top = float(np.nanmax(win))
    upper = win[win >= rest + 0.6 * (top - rest)]
    level = float(np.nanmedian(upper)) if upper.size else top
    for _ in range(2):
        margin = max(2.0, 0.05 * (level - rest))
        i0, i1 = _reach(c, level - margin, a, b)
        core = c[i0:i1 + 1]
        if np.isfinite(core).sum() >= 3:
            level = float(np.nanmedian(core))
    return (level, *_reach(c, level, a, b))


def _reach(c: np.ndarray, level: float, a: int, b: int) -> tuple[int, int]:
    """First and last index in ``[a, b)`` where ``c`` reaches ``level`` (argmax if never)."""
    reach = np.flatnonzero(c[a:b] >= level)
    if reach.size == 0:
        k = a + int(np.nanargmax(c[a:b]))
        return k, k
    return a + int(reach[0]), a + int(reach[-1])


def _edge_levels(c: np.ndarray, level: float, rest: float, a: int, b: int
                 ) -> tuple[float, float]:
    """Plateau level seen by the entry and by the exit edge.

    Normally both are ``level``. A hold whose level changes by more than
    ``max(PUSH_MIN_DEG, 12 % of the excursion)`` (a push deeper, or sinking back) is not one
    plateau: the entry then uses the median of ``c`` over the first third of the time above
    80 % of the excursion, the exit over the last third, each never above ``level``."""
    excursion = level - rest
    above = np.flatnonzero(c[a:b] >= rest + 0.8 * excursion)
    if above.size < 9:
        return level, level
    k0, k1 = a + int(above[0]), a + int(above[-1])
    third = max(1, (k1 - k0) // 3)
    first = float(np.nanmedian(c[k0:k0 + third]))
    last = float(np.nanmedian(c[k1 - third:k1 + 1]))
    if max(abs(first - level), abs(last - level)) <= max(PUSH_MIN_DEG, 0.12 * excursion):
        return level, level
    return min(level, first), min(level, last)


def hold_edges(c: np.ndarray, level: float, band: float, hyst: float, i_in: int, i_out: int,
               lo: int, hi: int) -> tuple[int, int]:
    """Hold start and end (sample indices) from the crossings of ``level - band`` by ``c``.

    Start: walking back from ``i_in`` (the first sample at the plateau level) to the last
    sample before it that lies more than ``hyst`` below the band (``level - band - hyst``); the
    crossing into the band lies between there and ``i_in``, at the split of :func:`_split`.
    End: the mirror image from ``i_out``. Between the two, dips (small corrections, a bounce,
    noise) do not end the hold. Searches ``[lo, hi)``."""
    thr = level - band
    low = np.flatnonzero(c[lo:i_in] < thr - hyst)
    k0 = lo + int(low[-1]) if low.size else lo
    start = k0 + _split(c[k0:i_in + 1] >= thr)
    low = np.flatnonzero(c[i_out:hi] < thr - hyst)
    k1 = i_out + int(low[0]) if low.size else hi - 1
    end = k1 - _split((c[i_out:k1 + 1] >= thr)[::-1])
    return start, end


def _split(inside: np.ndarray) -> int:
    """Index ``j`` that best splits ``inside`` into outside-then-inside: the fewest samples
    inside before ``j`` plus outside from ``j`` on (first such ``j``). On a clean crossing this
    is the first sample inside; jitter around a slow crossing moves it to the middle of the
    crossing region instead of to its first lucky sample."""
    if inside.size == 0:
        return 0
    m = inside.astype(np.int32)
    before = np.concatenate([[0], np.cumsum(m)])[:-1]  # inside samples before j
    after_out = np.cumsum((1 - m)[::-1])[::-1]  # outside samples from j on
    return int(np.argmin(before + after_out))


def segment(p: Prepared, engage_deg: float, hysteresis_deg: float | None = None) -> list[Segment]:
    """Repetitions in ``p`` (see module docstring)."""
    n = p.t_s.size
    if n == 0:
        return []
    on = engage_threshold(p.slow, engage_deg)
    hyst = hysteresis_deg if hysteresis_deg is not None else max(2.0, 0.3 * engage_deg)
    engaged = hysteresis(p.slow, on, on - hyst)
    windows = [(a, b) for a, b in runs(engaged) if p.t_s[b - 1] - p.t_s[a] >= MIN_REP_S]
    search = int(SEARCH_S * p.fs)
    x = p.depth
    c = lowpass(despike(p.raw, p.fs), p.fs, LEVEL_CUTOFF_HZ)
    segs: list[Segment] = []
    prev_end = 0
    for k, (a, b) in enumerate(windows):
        nxt = windows[k + 1][0] if k + 1 < len(windows) else n
        lo, hi = max(prev_end, a - search), min(nxt, b + search)  # search range [lo, hi)
        before = x[lo:a][~engaged[lo:a]]
        has_rest = bool(np.isfinite(before).any())
        rest = float(np.nanpercentile(before, 10)) if has_rest else float(np.nanmin(x[a:b]))
        rest_med = float(np.nanmedian(before)) if has_rest else rest
        level, i_in, i_out = _plateau(x, c, a, b, rest)
        excursion = max(level - rest, 0.0)
        core = c[i_in:i_out + 1]
        spread = 1.4826 * float(np.nanmedian(np.abs(core - level))) if np.isfinite(
            core).any() else 0.0
        h = max(HOLD_HYST_MIN_DEG, min(HOLD_HYST_NOISE_K * spread, 0.25 * excursion))
        lv_in, lv_out = _edge_levels(c, level, rest, a, b)
        band = hold_band_deg(level - rest_med, spread)
        hold_start, _ = hold_edges(c, lv_in, band, h, *_reach(c, lv_in, a, b), lo, hi)
        _, hold_end = hold_edges(c, lv_out, band, h, *_reach(c, lv_out, a, b), lo, hi)
        # movement start / end: the last (first) moment within the same band of the rest level
        rest_thr = rest_med + max(band, h)
        quiet = np.flatnonzero(c[lo:hold_start + 1] <= rest_thr)
        start = lo + int(quiet[-1]) if quiet.size else lo
        quiet = np.flatnonzero(c[hold_end:hi] <= rest_thr)
        end = hold_end + int(quiet[0]) if quiet.size else hi - 1
        band_wide = max(5.0, 0.25 * excursion)
        cut_start = start == 0 and bool(x[0] > rest + band_wide)
        cut_end = end >= n - 1 and bool(np.isfinite(x[-1]) and x[-1] > level - band_wide)
        segs.append(Segment(int(start), int(hold_start), int(hold_end), int(end), level, rest,
                            bool(cut_start), bool(cut_end), band))
        prev_end = end
    return segs


def phase_codes(n: int, segs: list[Segment]) -> np.ndarray:
    """``(n,)`` int8 index into :data:`PHASES` for every sample."""
    code = np.zeros(n, np.int8)
    for s in segs:
        code[s.start:s.hold_start] = 1
        code[s.hold_start:s.hold_end + 1] = 2
        code[s.hold_end + 1:s.end + 1] = 3
    return code


def phase_intervals(t_s: np.ndarray, code: np.ndarray) -> list[dict]:
    """``[{"phase", "t0_s", "t1_s"}, ...]`` like the renderer's labels (contiguous, in order)."""
    if code.size == 0:
        return []
    change = np.flatnonzero(np.diff(code)) + 1
    starts = np.concatenate([[0], change])
    stops = np.concatenate([change, [code.size]])
    out = []
    for a, b in zip(starts, stops, strict=True):
        t1 = t_s[b] if b < code.size else t_s[-1]
        out.append({"phase": PHASES[code[a]], "t0_s": float(t_s[a]), "t1_s": float(t1)})
    return out
