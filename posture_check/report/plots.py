"""Report figures (matplotlib, object-oriented API on the Agg canvas: no pyplot global state,
safe in threads): the measures over time with the findings' threshold bands, a summary chart of
every measure against its bands, and the stretch timeline (phases, hold timer, bounces).

The ``plot_*`` functions take data (not an analysis result) and an optional axis to draw on
(a new figure's when None) and return the axes; the ``*_figure`` functions lay several out on
one :class:`matplotlib.figure.Figure` (None when there is nothing to plot); :func:`png_bytes`
renders one. Left/right are the subject's own sides.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg", force=False)
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from posture_check.measures import MEASURE_SPECS, MeasureSeries
from posture_check.measures.indicators import INDICATORS
from posture_check.presentation import SEVERITY_COLORS, measure_label

if TYPE_CHECKING:
    from posture_check.measures.measure_series import MeasureSummary
    from posture_check.stretch import StretchAnalysis

__all__ = ["BAND_COLORS", "PLOT_MEASURES", "measures_figure", "plot_measure_over_time",
           "plot_measure_summary", "plot_stretch_side", "png_bytes", "stretch_figure",
           "summary_figure"]

BAND_COLORS = {k: SEVERITY_COLORS[k].band for k in ("ok", "watch", "flag")}
LINE_COLORS = {k: SEVERITY_COLORS[k].line for k in ("ok", "watch", "flag")}
PHASE_COLORS = {"moving_in": "#cfe3f7", "holding": "#d8f0dc", "moving_out": "#fde2c4"}
PLOT_MEASURES: tuple[str, ...] = (
    "lateral_lean", "pelvic_obliquity", "shoulder_tilt", "foot_turnout_left",
    "foot_turnout_right", "foot_turnout_asymmetry", "trunk_flexion", "pelvic_tilt",
)
_SIGN = {
    "lateral_lean": "+ = toward your right", "pelvic_obliquity": "+ = right hip higher",
    "shoulder_tilt": "+ = right shoulder higher", "foot_turnout_left": "+ = toes outward",
    "foot_turnout_right": "+ = toes outward", "foot_turnout_asymmetry": "right - left",
    "trunk_flexion": "side view", "pelvic_tilt": "side view; vs your own baseline only",
}
TITLES = {m: f"{measure_label(m)} ({sign})" for m, sign in _SIGN.items()}
_IND = {i.measure: i for i in INDICATORS}


def png_bytes(fig: Figure, dpi: int = 110) -> bytes:
    """Render ``fig`` to PNG bytes."""
    if fig.canvas is None or not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def _bands(ax, measure: str, lo: float, hi: float) -> None:
    """Shade ok / watch / flag zones of ``measure`` between y = lo and hi (data units)."""
    ind = _IND.get(measure)
    if ind is None or ind.baseline_only:
        return
    one_sided = MEASURE_SPECS[measure].one_sided
    edges = [(-ind.watch, ind.watch, "ok"), (ind.watch, ind.flag, "watch"),
             (ind.flag, max(hi, ind.flag * 2), "flag")]
    if one_sided:
        edges[0] = (min(lo, -ind.watch), ind.watch, "ok")
    else:
        edges += [(-ind.flag, -ind.watch, "watch"), (min(lo, -ind.flag * 2), -ind.flag, "flag")]
    for a, b, sev in edges:
        ax.axhspan(a, b, color=BAND_COLORS[sev], zorder=0, lw=0)


def _ylim(measure: str, v: np.ndarray) -> tuple[float, float]:
    ind = _IND.get(measure)
    finite = v[np.isfinite(v)]
    span = ind.flag * 1.6 if ind is not None and not ind.baseline_only else 5.0
    lo = min(float(finite.min()) if finite.size else -span, -span)
    hi = max(float(finite.max()) if finite.size else span, span)
    if MEASURE_SPECS[measure].one_sided:
        lo = min(lo, -10.0)
    pad = 0.08 * (hi - lo)
    return lo - pad, hi + pad


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """``ax``, or the one axes of a new figure of ``figsize`` inches."""
    if ax is not None:
        return ax
    return Figure(figsize=figsize, layout="constrained").add_subplot()


def plot_measure_over_time(t: np.ndarray, values: np.ndarray, measure: str,
                           ax: Axes | None = None) -> Axes:
    """One measure's ``(T,)`` values (degrees or cm, subject's sides) against time ``t`` (s):
    the line, its median dashed, its threshold bands; on ``ax`` or a new figure's axes."""
    ax = _axes(ax, (8.0, 2.45))
    v = values
    lo, hi = _ylim(measure, v)
    _bands(ax, measure, lo, hi)
    ax.plot(t, v, color="#1a237e", lw=1.3)
    med = float(np.nanmedian(v))
    ax.axhline(med, color="#1a237e", lw=0.9, ls="--")
    ax.axhline(0.0, color="#555555", lw=0.6)
    ax.set_ylim(lo, hi)
    unit = MEASURE_SPECS[measure].unit if measure in MEASURE_SPECS else ""
    ax.set_ylabel("deg" if unit == "deg" else unit, fontsize=8)
    ax.set_title(f"{TITLES.get(measure, measure)}: median {med:+.1f}"
                 f"{'°' if unit == 'deg' else ' ' + unit}", fontsize=9, loc="left")
    ax.tick_params(labelsize=7)
    ax.grid(axis="x", color="#dddddd", lw=0.5)
    return ax


def measures_figure(ms: MeasureSeries, measures: tuple[str, ...] = PLOT_MEASURES
                    ) -> Figure | None:
    """Each measure of ``ms`` with valid frames over time (:func:`plot_measure_over_time`)."""
    names = [m for m in measures if m in ms.values and np.isfinite(ms.values[m]).sum() >= 2]
    if not names or len(ms) < 2:
        return None
    fig = Figure(figsize=(8.0, 1.55 * len(names) + 0.9), layout="constrained")
    axes = fig.subplots(len(names), 1, sharex=True, squeeze=False)[:, 0]
    t = ms.t_s
    for ax, m in zip(axes, names, strict=True):
        plot_measure_over_time(t, ms.values[m], m, ax)
    axes[-1].set_xlabel("time (s)", fontsize=8)
    axes[-1].set_xlim(float(t[0]), float(t[-1]))
    if any(m in _IND and not _IND[m].baseline_only for m in names):
        fig.legend(handles=[Patch(color=BAND_COLORS[k], label=lbl) for k, lbl in
                            (("ok", "usual range"), ("watch", "watch"), ("flag", "flag"))],
                   loc="outside lower center", ncol=3, fontsize=8, frameon=False)
    return fig


def plot_measure_summary(s: MeasureSummary, measure: str, ax: Axes | None = None) -> Axes:
    """One measure's summary (median dot, 10th-90th percentile line, 90% interval shaded)
    against its ok / watch / flag bands; on ``ax`` or a new figure's axes."""
    ax = _axes(ax, (8.0, 1.4))
    ind = _IND[measure]
    lim = max(ind.flag * 2.0, abs(s.p10) * 1.15, abs(s.p90) * 1.15)
    one_sided = MEASURE_SPECS[measure].one_sided
    spans = [(-ind.watch if not one_sided else -lim, ind.watch, "ok"),
             (ind.watch, ind.flag, "watch"), (ind.flag, lim, "flag")]
    if not one_sided:
        spans += [(-ind.flag, -ind.watch, "watch"), (-lim, -ind.flag, "flag")]
    for a, b, sev in spans:
        ax.axvspan(a, b, color=BAND_COLORS[sev], lw=0)
    if np.isfinite(s.ci90_lo) and np.isfinite(s.ci90_hi):  # where the true value likely is
        ax.plot([max(s.ci90_lo, -lim), min(s.ci90_hi, lim)], [0, 0], color="#1a237e",
                lw=9, alpha=0.18, solid_capstyle="butt")
    ax.plot([s.p10, s.p90], [0, 0], color="#1a237e", lw=2)
    ax.plot([s.median], [0], "o", color="#1a237e", ms=7)
    ax.axvline(0, color="#555555", lw=0.6)
    ax.set_xlim(-lim, lim)
    ax.set_yticks([])
    unit = "°" if s.unit == "deg" else f" {s.unit}"
    ax.text(0.005, 0.5, f"{TITLES.get(measure, measure).split(' (')[0]}  {s.median:+.1f}{unit}",
            transform=ax.transAxes, fontsize=8, va="center", ha="left",
            bbox={"facecolor": "white", "alpha": 0.8, "lw": 0, "pad": 1})
    ax.tick_params(labelsize=7, length=2)
    return ax


def summary_figure(summary: Mapping[str, MeasureSummary],
                   measures: tuple[str, ...] = PLOT_MEASURES) -> Figure | None:
    """Every measured value of ``summary`` (:meth:`MeasureSeries.summary`) against its bands
    (:func:`plot_measure_summary`)."""
    names = [m for m in measures if m in summary and np.isfinite(summary[m].median)
             and m in _IND and not _IND[m].baseline_only]
    if not names:
        return None
    fig = Figure(figsize=(8.0, 0.5 * len(names) + 0.9), layout="constrained")
    axes = fig.subplots(len(names), 1, squeeze=False)[:, 0]
    for ax, m in zip(axes, names, strict=True):
        plot_measure_summary(summary[m], m, ax)
    axes[-1].set_xlabel("degrees (negative = toward your left / toes inward); dot = median, "
                        "line = 10th-90th percentile of the frames, shaded = 90% likely range",
                        fontsize=8)
    return fig


def _extremes(t: np.ndarray, x: np.ndarray, min_prominence: float) -> tuple[np.ndarray, ...]:
    from scipy.signal import find_peaks

    ok = np.isfinite(x)
    if ok.sum() < 5:
        return np.array([]), np.array([])
    xs = np.interp(t, t[ok], x[ok])
    hi, _ = find_peaks(xs, prominence=min_prominence)
    lo, _ = find_peaks(-xs, prominence=min_prominence)
    idx = np.sort(np.concatenate([hi, lo]))
    return t[idx], xs[idx]


def plot_stretch_side(sa: StretchAnalysis, side: str, ax: Axes | None = None,
                      hold_ax: Axes | None = None) -> tuple[Axes, Axes]:
    """One side of a stretch check: the angle over time on its phases, the target band, each
    repetition's verdict and bounce reversals on ``ax``; each hold timer (bar against the
    target hold) on ``hold_ax``. New axes (one figure) for those not given."""
    from posture_check.stretch import get_stretch
    from posture_check.stretch.bounce import MIN_SWING_DEG

    if ax is None or hold_ax is None:
        fig = Figure(figsize=(8.0, 3.9), layout="constrained")
        grid = fig.add_gridspec(2, 1, height_ratios=[3.2, 1.0])
        ax = ax or fig.add_subplot(grid[0])
        hold_ax = hold_ax or fig.add_subplot(grid[1], sharex=ax)
    axh = hold_ax
    st = get_stretch(sa.stretch)
    lo_t, hi_t = st.hold_s
    t, ang = sa.t_s[side], sa.angle_deg[side]
    for ph in sa.phases.get(side, []):
        c = PHASE_COLORS.get(ph["phase"])
        if c:
            ax.axvspan(ph["t0_s"], ph["t1_s"], color=c, lw=0, zorder=0)
    a, b = (st.direction * v for v in st.target_deg)
    ax.axhspan(min(a, b), max(a, b), facecolor="none", hatch="///", edgecolor="#9ccc65",
               lw=0, zorder=0.5)
    ax.plot(t, ang, color="#1a237e", lw=1.4, zorder=2)
    reps = [r for r in sa.repetitions if r.side == side]
    for r in reps:
        color = LINE_COLORS["ok"] if r.verdict == "good" else LINE_COLORS["flag"]
        y = r.angle_reached_deg
        ax.text((r.t_hold_start_s + r.t_hold_end_s) / 2, 0.97,
                f"#{r.index + 1} {r.verdict.replace('_', ' ')}: reached {abs(y):.0f}°, "
                f"held {r.hold_s:.0f} s", transform=ax.get_xaxis_transform(), ha="center",
                va="top", fontsize=8, color=color,
                bbox={"facecolor": "white", "alpha": 0.9, "lw": 0, "pad": 1.5})
        if r.bounce_reversals and ("bouncing" in r.faults):
            m = (t >= r.t_hold_start_s) & (t <= r.t_hold_end_s)
            te, xe = _extremes(t[m], ang[m], MIN_SWING_DEG / 2)
            ax.plot(te, xe, "x", color=LINE_COLORS["flag"], ms=7, mew=1.8, zorder=3,
                    label="bounce" if r is reps[0] else None)
        # hold timer: bar of the hold against the target hold
        held_ok = r.hold_s >= lo_t - 1.0
        axh.barh(0, r.hold_s, left=r.t_hold_start_s, height=0.5,
                 color=LINE_COLORS["ok"] if held_ok else LINE_COLORS["watch"])
        axh.barh(0, hi_t - lo_t, left=r.t_hold_start_s + lo_t, height=0.8, fill=False,
                 edgecolor="#333333", hatch="..", lw=0.8)
        axh.text(r.t_hold_start_s + 0.5, 0, f"held {r.hold_s:.0f} s", va="center",
                 ha="left", fontsize=7, color="white", fontweight="bold")
    label = "" if side == "both" else f"{side} side: "
    angle = measure_label(sa.angle_name.get(side, st.angle)).lower()
    ax.set_title(f"{label}{st.title}: {angle} (degrees)", fontsize=9,
                 loc="left")
    ax.tick_params(labelsize=7)
    ax.set_ylabel("deg", fontsize=8)
    axh.set_yticks([])
    axh.set_ylim(-0.6, 0.6)
    axh.set_ylabel("hold", fontsize=8)
    axh.tick_params(labelsize=7)
    lo_y, hi_y = ax.get_ylim()
    ax.set_ylim(lo_y, hi_y + 0.18 * (hi_y - lo_y))  # room for the repetition labels
    if len(t):
        ax.set_xlim(float(t[0]), float(t[-1]) + 2.0)
    return ax, axh


def stretch_figure(sa: StretchAnalysis | None) -> Figure | None:
    """Per side of the stretch check ``sa``: :func:`plot_stretch_side`, and one legend."""
    if sa is None or not sa.t_s:
        return None
    from posture_check.stretch import get_stretch

    st = get_stretch(sa.stretch)
    sides = list(sa.t_s)
    fig = Figure(figsize=(8.0, 3.3 * len(sides) + 0.6), layout="constrained")
    grid = fig.add_gridspec(2 * len(sides), 1, height_ratios=[3.2, 1.0] * len(sides))
    lo_t, hi_t = st.hold_s
    for k, side in enumerate(sides):
        ax = fig.add_subplot(grid[2 * k])
        axh = fig.add_subplot(grid[2 * k + 1], sharex=ax)
        plot_stretch_side(sa, side, ax, axh)
    axh.set_xlabel("time (s)", fontsize=8)
    handles: list[Artist] = [Patch(color=PHASE_COLORS[p], label=p.replace("_", " "))
                             for p in PHASE_COLORS]
    handles += [Patch(facecolor="none", hatch="///", edgecolor="#9ccc65", label="target angle"),
                Patch(facecolor="none", hatch="..", edgecolor="#333333",
                      label=f"target hold {lo_t:g}-{hi_t:g} s"),
                Line2D([], [], color=LINE_COLORS["flag"], marker="x", ls="",
                                        label="bounce reversal")]
    fig.legend(handles=handles, loc="outside lower center", ncol=6, fontsize=7, frameon=False)
    return fig
