"""Adaptive frame sampling vs the full-rate single-landmarker analysis, side by side.

For each recording, :func:`posture_check.analysis.pipeline.analyze` runs with ``sampling="full"``
(the model on every frame: the reference) and ``sampling="adaptive"``
(:mod:`posture_check.analysis.sampling`), alternating, same options (flip averaging on, the stretch
check of the clip's labels). Printed per recording: wall time of each, the speed-up, the share
of frames the model ran on, and the largest differences: measure medians (deg, or cm for the
``_cm`` measures), stretch hold per repetition (s), and whether the stretch verdicts
(overall and per repetition) and the findings' severities are the same.

Tolerance (:data:`TOLERANCE`): measures within 0.5 deg / 0.5 cm, holds within 0.3 s, the
same verdicts and severities; a measure read in one run and not in the other is a miss.

The long recording (``--minutes``, default 10) is built once by looping the sample clips at
30 fps, 480x640 (the 15 fps clips' frames shown twice), H.264, cached in
``~/.cache/posture-check/bench/``.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np

from posture_check.analysis.pipeline import analyze
from posture_check.analysis.results import AnalysisOptions
from posture_check.analysis.sampling import SamplingRule
from posture_check.measures.specs import MEASURE_SPECS
from posture_check.measures.uncertainty import has_model_error

_REPO = Path(__file__).resolve().parents[2]
SAMPLES = _REPO / "sample_videos"
REAL_MEDIA = _REPO.parent / "shared" / "real_media"
TOLERANCE = {"measure_rel": 0.10, "measure_abs": 0.5, "hold_s": 0.3}
CACHE = Path.home() / ".cache" / "posture-check" / "bench"


def clip_stretch(path: Path) -> str | None:
    """The stretch named in a sample clip's labels (None for posture clips)."""
    labels = path.with_suffix(".json")
    if not labels.exists():
        return None
    st = json.loads(labels.read_text()).get("stretch")
    return st["name"] if st else None


def build_long_recording(minutes: float, fps: int = 30) -> Path:
    """The sample clips looped into one ``minutes``-long 30 fps H.264 recording (cached)."""
    from posture_check.pose.encode import EncoderOptions, VideoWriter
    from posture_check.pose.video_io import iter_frames

    out = CACHE / f"samples_loop_{minutes:g}min_{fps}fps.mp4"
    if out.exists():
        return out
    clips = sorted(SAMPLES.glob("*.mp4"))
    n_total = round(minutes * 60 * fps)
    n = 0
    options = EncoderOptions(crf=20, preset="veryfast", tune=None, threads=None, fallback=False)
    with VideoWriter(out, fps, None, options) as writer:  # atomic: a cut run leaves nothing
        while n < n_total:
            for clip in clips:
                frames = list(iter_frames(clip))
                dur = frames[-1][0] + (frames[-1][0] - frames[-2][0])
                k = 0
                while k / fps < dur and n < n_total:
                    t = k / fps
                    j = min(range(len(frames)), key=lambda i: abs(frames[i][0] - t))
                    writer.write(frames[j][1])
                    k += 1
                    n += 1
                if n >= n_total:
                    break
    return out


def measure_tolerance(measure: str, summary) -> float:
    """Allowed move of a measure's median: :data:`TOLERANCE` ``measure_rel`` x the half-width
    of the full-rate analysis' own 90% interval (the one the report prints), or
    ``measure_abs`` (deg / cm) for a measure without a validated model error
    (:func:`~posture_check.measures.uncertainty.has_model_error`: its interval would be the
    frame spread alone)."""
    hw = 0.5 * (summary.ci90_hi - summary.ci90_lo)
    if not has_model_error(measure) or not math.isfinite(hw):
        return TOLERANCE["measure_abs"]
    return TOLERANCE["measure_rel"] * hw


def decision_margin(measures, finding) -> float:
    """How far the full-rate finding's severity decision is from flipping, in the measure's
    unit: the smallest of |q - watch|, |q - flag| (``q``: the value that
    :data:`~posture_check.measures.indicators.SUSTAINED_FRACTION` of the valid frames reach,
    in the finding's direction), |interval edge - flag| (a flag needs the whole 90%
    interval past it) and |interval edge| (a watch needs the interval to exclude zero). NaN for
    findings without thresholds (not measured, baseline only)."""
    from posture_check.measures.indicators import SUSTAINED_FRACTION

    watch, flag = finding.thresholds
    v = measures.values.get(finding.measure)
    if finding.severity == "not_measured" or v is None or not math.isfinite(watch) \
            or finding.extra.get("needs_baseline"):
        return math.nan
    v = v[np.isfinite(v)]
    if not v.size:
        return math.nan
    one_sided = MEASURE_SPECS[finding.measure].one_sided
    sign = 1.0 if (one_sided or finding.value >= 0) else -1.0
    q = float(np.quantile(v * sign, 1.0 - SUSTAINED_FRACTION))
    margins = [abs(q - watch), abs(q - flag)]
    lo, hi = finding.ci90
    if math.isfinite(lo) and math.isfinite(hi):
        edge = min(sign * lo, sign * hi)
        margins += [abs(edge - flag), abs(edge)]
    return min(margins)


def differences(full, adaptive) -> dict:
    """Largest differences between two AnalysisResults of the same recording, against the
    tolerance (module docstring)."""
    sf, sa = full.measures.summary(), adaptive.measures.summary()
    worst_ratio, d_measure, worst, worst_tol, missing = 0.0, 0.0, "", math.nan, []
    for m, s in sf.items():
        a, b = s.median, sa[m].median
        if math.isfinite(a) != math.isfinite(b):
            missing.append(m)
        elif math.isfinite(a):
            tol = measure_tolerance(m, s)
            if abs(a - b) / tol > worst_ratio or not worst:
                worst_ratio, d_measure, worst, worst_tol = abs(a - b) / tol, abs(a - b), m, tol
    d_hold, same_verdicts = 0.0, True
    if full.stretch is not None:
        rf, ra = full.stretch.repetitions, adaptive.stretch.repetitions
        same_verdicts = (full.stretch.verdict == adaptive.stretch.verdict
                         and [(r.side, r.verdict) for r in rf] == [(r.side, r.verdict)
                                                                    for r in ra])
        for x, y in zip(rf, ra, strict=False):
            d_hold = max(d_hold, abs(x.hold_s - y.hold_s))
        if len(rf) != len(ra):
            d_hold = math.inf
    changed, findings_ok = [], True
    fa = {f.measure: f for f in adaptive.findings}
    for f in full.findings:
        g = fa.get(f.measure)
        if g is not None and g.severity == f.severity:
            continue
        margin = decision_margin(full.measures, f)
        tol = (measure_tolerance(f.measure, sf[f.measure]) if f.measure in sf
               else TOLERANCE["measure_abs"])
        excused = g is not None and math.isfinite(margin) and margin <= tol
        findings_ok &= excused
        changed.append({"measure": f.measure, "full": f.severity,
                        "adaptive": g.severity if g else "-", "margin": margin, "tol": tol,
                        "excused": excused})
    if len(fa) != len(full.findings):
        findings_ok = False
    ok = (worst_ratio <= 1.0 and d_hold <= TOLERANCE["hold_s"] and not missing
          and same_verdicts and findings_ok)
    return {"measure": d_measure, "worst": worst, "worst_tol": worst_tol,
            "measure_ratio": worst_ratio, "missing": missing, "hold_s": d_hold,
            "same_verdicts": same_verdicts, "same_findings": not changed,
            "findings_ok": findings_ok, "changed_findings": changed, "ok": ok}


def compare(path: Path, stretch: str | None, model: Path | None = None,
            rule: SamplingRule | None = None) -> dict:
    """Time both analyses of ``path`` (full rate first, then adaptive; same process, same
    options) and compare their results."""
    times, results = {}, {}
    for mode in ("full", "adaptive"):
        opts = AnalysisOptions(model_path=model, stretch=stretch, sampling=mode,
                               sampling_rule=rule)
        t = time.perf_counter()
        results[mode] = analyze(path, opts)
        times[mode] = time.perf_counter() - t
    r = results["adaptive"]
    s = r.series.meta.get("sampling", {})
    full_passes = 2 * len(results["full"].series)  # flip averaging on every frame
    dur = float(r.series.t_s[-1] - r.series.t_s[0])
    return {"name": path.name, "frames": len(r.series), "duration_s": dur, **times,
            "model_share": s.get("passes", 0) / max(full_passes, 1),
            "full_rate_share": s.get("main", 0) / max(len(r.series), 1),
            "flip_share": float(r.series.flipped.mean()),
            **differences(results["full"], r)}


def print_table(rows: list[dict]) -> None:
    print(f"{'recording':36} {'frames':>6} {'dur s':>6} {'full s':>7} {'adapt s':>7} "
          f"{'speed-up':>8} {'passes':>6} {'max d measure (tol)':>34} {'d hold s':>8} "
          f"{'verdicts':>8} {'findings':>8} {'at full rate':>12}")
    for r in rows:
        dm = f"{r['measure']:.2f} ({r['worst_tol']:.2f} {r['worst'] or '-'})"
        if r["missing"]:
            dm += f" +{len(r['missing'])} missed"
        findings = ("same" if r["same_findings"] else "excused" if r["findings_ok"]
                    else "DIFFER")
        print(f"{r['name'][:36]:36} {r['frames']:>6} {r['duration_s']:>6.1f} {r['full']:>7.1f} "
              f"{r['adaptive']:>7.1f} {r['full'] / r['adaptive']:>7.2f}x "
              f"{100 * r['model_share']:>5.0f}% {dm:>34} {r['hold_s']:>8.2f} "
              f"{'same' if r['same_verdicts'] else 'DIFFER':>8} {findings:>8} "
              f"{100 * r['full_rate_share']:>11.0f}%")
        for c in r["changed_findings"]:
            print(f"    finding {c['measure']}: {c['full']} -> {c['adaptive']}; full-rate "
                  f"decision margin {c['margin']:.2f} vs tolerance {c['tol']:.2f}: "
                  f"{'on the threshold (allowed)' if c['excused'] else 'NOT allowed'}")
    tot_f = sum(r["full"] for r in rows)
    tot_a = sum(r["adaptive"] for r in rows)
    worst = max(rows, key=lambda r: r["measure_ratio"])
    worst_h = max(r["hold_s"] for r in rows)
    missed = ", ".join(r["name"] for r in rows if not r["ok"])
    print(f"all: full {tot_f:.1f} s, adaptive {tot_a:.1f} s, speed-up {tot_f / tot_a:.2f}x; "
          f"largest measure difference {worst['measure']:.2f} ({worst['worst']}, "
          f"{100 * worst['measure_ratio']:.0f}% of its tolerance {worst['worst_tol']:.2f}, "
          f"{worst['name']}), hold {worst_h:.2f} s")
    print(f"tolerance: medians within {100 * TOLERANCE['measure_rel']:.0f}% of their own 90% "
          f"interval half-width ({TOLERANCE['measure_abs']} deg/cm without one), holds within "
          f"{TOLERANCE['hold_s']} s, same stretch verdicts, same severities unless the "
          f"full-rate decision margin is within the tolerance: "
          f"met on {sum(r['ok'] for r in rows)} of {len(rows)} recordings"
          f"{f' (MISSED on {missed})' if missed else ''}")
    for r in rows:
        if r["duration_s"] >= 60:
            print(f"{r['name']}: {r['duration_s'] / 60:.1f} min analysed in {r['adaptive']:.0f} s "
                  f"adaptive = {r['duration_s'] / r['adaptive']:.1f}x real time (full rate: "
                  f"{r['duration_s'] / r['full']:.1f}x); goal 10 min in < 120 s (5x): "
                  f"{'met' if r['adaptive'] < r['duration_s'] / 5 else 'MISSED'}")
