"""Progress figures (matplotlib, object-oriented API, Agg canvas like ``report.plots``).

:func:`trend_figure`: one panel per measure with data: each session's median (dot) and its
interval (bar: 90% CI of the median, or p10-p90 for sessions without one), the baseline
session ringed, and the band baseline +/- SDC: a later dot outside the band is a detectable
change. Optional panels: stretch hold time per side (marker = verdict) and the pain score.
The x axis is the session number in time order (dates in the table), so sessions on one day
do not overlap.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg", force=False)
import numpy as np
from matplotlib.figure import Figure

from posture_check.history.progress import TREND_MEASURES, Progress
from posture_check.history.sdc import sdc_of
from posture_check.report.plots import TITLES

__all__ = ["trend_figure"]

_VERDICT_MARK = {"good": ("o", "#1f8a3b"), "too_short": ("v", "#c98a00"),
                 "too_fast": (">", "#c98a00"), "not_reached": ("<", "#c98a00"),
                 "bouncing": ("x", "#c62828")}
_SIDE_COLOR = {"left": "#e07b00", "right": "#1565c0", "both": "#555555"}


def trend_figure(progress: Progress, measures: tuple[str, ...] | None = None, *,
                 stretch: bool = True, pain: bool = True, small: bool = False,
                 highlight: int | None = None,
                 current: dict[str, float] | None = None) -> Figure | None:
    """Trend panels for ``measures`` (default: the trend measures with data); None if there is
    no session. ``small``: a compact figure for the report; ``highlight``: a saved session id
    drawn as a star (the session the report is about); ``current``: measure -> value of an
    unsaved recording, drawn as a star after the saved sessions."""
    n = len(progress.sessions)
    if n == 0:
        return None
    names = [m for m in (measures or TREND_MEASURES) if m in progress.trends
             and np.isfinite(progress.trends[m].median).any()]
    panels: list[tuple[str, object]] = [("measure", m) for m in names]
    if stretch and any(math.isfinite(r["hold_s"]) for r in progress.stretch):
        panels.append(("stretch", None))
    if pain and np.isfinite(progress.pain_scores).any():
        panels.append(("pain", None))
    if not panels:
        return None
    cols = 2 if len(panels) > 1 else 1
    rows = math.ceil(len(panels) / cols)
    w, h = (7.2, 1.9) if small else (11.0, 2.6)
    fig_h = h * rows + 0.6
    fig = Figure(figsize=(w, fig_h))  # fixed margins: a layout engine would draw twice
    fig.subplots_adjust(left=0.08 if cols == 2 else 0.1, right=0.98, top=1 - 0.62 / fig_h,
                        bottom=0.5 / fig_h, hspace=0.75 if small else 0.55, wspace=0.2)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    many = n > 40  # many sessions: the interval as a band, no caps (fast to draw, readable)
    x = np.arange(1, n + 1)
    xmax = n + (1 if current else 0)
    hi_k = progress.index_of(highlight) if highlight is not None else None
    fs = 7 if small else 8.5
    for ax, (kind, m) in zip(axes, panels, strict=False):
        ax.tick_params(labelsize=fs)
        ax.grid(alpha=0.3)
        ax.set_xlim(0.5, xmax + 0.5)
        if kind == "measure":
            t = progress.trends[m]
            u = "°" if t.unit == "deg" else f" {t.unit}"
            ok = np.isfinite(t.median)
            lo = np.where(np.isfinite(t.lo), t.median - t.lo, 0)
            hi = np.where(np.isfinite(t.hi), t.hi - t.median, 0)
            if many:
                ax.fill_between(x[ok], (t.median - lo)[ok], (t.median + hi)[ok],
                                color="#9fa8da", alpha=0.5, lw=0)
                ax.plot(x[ok], t.median[ok], "-", lw=1, color="#1a237e")
            else:
                ax.errorbar(x[ok], t.median[ok], yerr=np.vstack([lo[ok], hi[ok]]).clip(0),
                            fmt="o-", ms=3.5, lw=1, color="#1a237e", ecolor="#9fa8da",
                            capsize=2)
            mb = progress.baseline_index(m)
            if mb is not None:
                b, sdc = t.median[mb], sdc_of(m)
                if math.isfinite(sdc):
                    ax.axhspan(b - sdc, b + sdc, color="#e0e0e0", alpha=0.7, lw=0,
                               label="baseline ± smallest detectable change")
                ax.plot([x[mb]], [b], "o", ms=9, mfc="none", mec="#2e7d32", mew=1.5,
                        label="baseline")
            if hi_k is not None and np.isfinite(t.median[hi_k]):
                ax.plot([x[hi_k]], [t.median[hi_k]], "*", ms=11, color="#c62828")
            now = (current or {}).get(m)
            if now is not None and math.isfinite(now):
                ax.plot([xmax], [now], "*", ms=11, color="#c62828", label="this recording")
            if ax is axes[0] and ax.get_legend_handles_labels()[0]:  # one legend, on top
                fig.legend(*ax.get_legend_handles_labels(), loc="upper center", ncol=3,
                           fontsize=fs, frameon=False)
            sdc_txt = f" · SDC {sdc_of(m):.1f}{u}" if math.isfinite(sdc_of(m)) else ""
            ax.set_title(TITLES.get(m, m.replace("_", " ")) + sdc_txt, fontsize=fs + 0.5)
            ax.set_ylabel(t.unit, fontsize=fs)
        elif kind == "stretch":
            pos = {sess.id: i + 1 for i, sess in enumerate(progress.sessions)}
            for side in ("left", "right", "both"):
                for verdict, (mk, col) in _VERDICT_MARK.items():
                    pts = [(pos[r["session_id"]], r["hold_s"])
                           for r in progress.stretch if r["side"] == side
                           and r["verdict"] == verdict and math.isfinite(r["hold_s"])]
                    if pts:
                        px, py = zip(*pts, strict=True)
                        ax.scatter(px, py, marker=mk, color=_SIDE_COLOR[side],
                                   edgecolors=col if mk != "x" else None, s=28,
                                   label=f"{side}: {verdict.replace('_', ' ')}")
            ax.set_title("Stretch hold per repetition (colour: side; mark: verdict)",
                         fontsize=fs + 0.5)
            ax.set_ylabel("s", fontsize=fs)
            ax.legend(fontsize=fs - 1.5, loc="upper right", frameon=False)
        else:
            p = progress.pain_scores
            ok = np.isfinite(p)
            ax.plot(x[ok], p[ok], "s-", color="#6a1b9a", ms=4, lw=1)
            ax.set_ylim(-0.5, 10.5)
            ax.set_title("Pain score (0 = none, 10 = worst)", fontsize=fs + 0.5)
        ticks = np.arange(1, xmax + 1)
        ax.set_xticks(ticks if xmax <= 20 else np.linspace(1, xmax, 10).round().astype(int))
    for ax in axes[len(panels):]:
        ax.set_axis_off()
    for ax in axes[max(len(panels) - cols, 0):len(panels)]:
        ax.set_xlabel("session (time order)", fontsize=fs)
    return fig
