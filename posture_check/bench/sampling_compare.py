"""Adaptive frame sampling vs the full-rate single-landmarker analysis, side by side.

For each recording, :func:`posture_check.analysis.analyze` runs with ``sampling="full"``
(the model on every frame: the reference) and ``sampling="adaptive"``
(:mod:`posture_check.sampling`), alternating, same options (flip averaging on, the stretch
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

from ..analysis import analyze
from ..results import AnalysisOptions

_REPO = Path(__file__).resolve().parents[2]
SAMPLES = _REPO / "sample_videos"
TOLERANCE = {"measure": 0.5, "hold_s": 0.3}
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
    import av

    from ..video_io import iter_frames

    out = CACHE / f"samples_loop_{minutes:g}min_{fps}fps.mp4"
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    clips = sorted(SAMPLES.glob("*.mp4"))
    n_total = round(minutes * 60 * fps)
    tmp = out.with_suffix(".partial.mp4")
    n = 0
    with av.open(str(tmp), "w") as c:
        s = c.add_stream("libx264", rate=fps)
        s.pix_fmt = "yuv420p"
        s.options = {"crf": "20", "preset": "veryfast"}
        while n < n_total:
            for clip in clips:
                frames = list(iter_frames(clip))
                dur = frames[-1][0] + (frames[-1][0] - frames[-2][0])
                k = 0
                while k / fps < dur and n < n_total:
                    t = k / fps
                    j = min(range(len(frames)), key=lambda i: abs(frames[i][0] - t))
                    rgb = frames[j][1]
                    if n == 0:
                        s.height, s.width = rgb.shape[:2]
                    for p in s.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                        c.mux(p)
                    k += 1
                    n += 1
                if n >= n_total:
                    break
        for p in s.encode():
            c.mux(p)
    tmp.replace(out)
    return out


def differences(full, adaptive) -> dict:
    """Largest differences between two AnalysisResults of the same recording."""
    sf, sa = full.measures.summary(), adaptive.measures.summary()
    d_measure, worst, missing = 0.0, "", []
    for m, s in sf.items():
        a, b = s.median, sa[m].median
        if math.isfinite(a) != math.isfinite(b):
            missing.append(m)
        elif math.isfinite(a) and abs(a - b) > d_measure:
            d_measure, worst = abs(a - b), m
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
    same_findings = ([(f.measure, f.severity) for f in full.findings]
                     == [(f.measure, f.severity) for f in adaptive.findings])
    ok = (d_measure <= TOLERANCE["measure"] and d_hold <= TOLERANCE["hold_s"] and not missing
          and same_verdicts and same_findings)
    return {"measure": d_measure, "worst": worst, "missing": missing, "hold_s": d_hold,
            "same_verdicts": same_verdicts, "same_findings": same_findings, "ok": ok}


def compare(path: Path, stretch: str | None, model: Path | None = None) -> dict:
    """Time both analyses of ``path`` and compare their results."""
    times, results = {}, {}
    for mode in ("full", "adaptive"):
        opts = AnalysisOptions(model_path=model, stretch=stretch, sampling=mode)
        t = time.perf_counter()
        results[mode] = analyze(path, opts)
        times[mode] = time.perf_counter() - t
    r = results["adaptive"]
    s = r.series.meta.get("sampling", {})
    model_share = (s.get("main", 0) + s.get("scout", 0)) / max(len(r.series), 1)
    dur = float(r.series.t_s[-1] - r.series.t_s[0])
    return {"name": path.name, "frames": len(r.series), "duration_s": dur, **times,
            "model_share": model_share, **differences(results["full"], r)}


def print_table(rows: list[dict]) -> None:
    print(f"{'recording':38} {'frames':>6} {'dur s':>6} {'full s':>7} {'adapt s':>7} "
          f"{'speed-up':>8} {'model on':>8} {'max d measure':>22} {'max d hold s':>12} "
          f"{'verdicts':>8} {'findings':>8}")
    for r in rows:
        dm = f"{r['measure']:.2f} ({r['worst'] or '-'})"
        if r["missing"]:
            dm += f" +{len(r['missing'])} missed"
        print(f"{r['name'][:38]:38} {r['frames']:>6} {r['duration_s']:>6.1f} {r['full']:>7.1f} "
              f"{r['adaptive']:>7.1f} {r['full'] / r['adaptive']:>7.2f}x "
              f"{100 * r['model_share']:>7.0f}% {dm:>22} {r['hold_s']:>12.2f} "
              f"{'same' if r['same_verdicts'] else 'DIFFER':>8} "
              f"{'same' if r['same_findings'] else 'DIFFER':>8}")
    tot_f = sum(r["full"] for r in rows)
    tot_a = sum(r["adaptive"] for r in rows)
    worst_m = max(r["measure"] for r in rows)
    worst_h = max(r["hold_s"] for r in rows)
    print(f"all: full {tot_f:.1f} s, adaptive {tot_a:.1f} s, speed-up {tot_f / tot_a:.2f}x; "
          f"largest differences {worst_m:.2f} deg/cm, hold {worst_h:.2f} s; tolerance "
          f"({TOLERANCE['measure']} deg/cm, {TOLERANCE['hold_s']} s, same verdicts and "
          f"findings): {'met' if all(r['ok'] for r in rows) else 'MISSED'}")
    for r in rows:
        if r["duration_s"] >= 60:
            print(f"{r['name']}: {r['duration_s'] / 60:.1f} min analysed in {r['adaptive']:.0f} s "
                  f"adaptive = {r['duration_s'] / r['adaptive']:.1f}x real time (full rate: "
                  f"{r['duration_s'] / r['full']:.1f}x); goal 10 min in < 120 s (5x)")
