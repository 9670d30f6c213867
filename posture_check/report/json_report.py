"""The JSON report: :func:`build_report` (a :class:`~.json_types.ReportJson`, the definition the
schema of :mod:`.schema` is generated from; mypy checks this builder against it) and writers."""

from __future__ import annotations

import json
import math
import os
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from posture_check.atomic import write_text_atomic
from posture_check.measures import MEASURE_SPECS, NOT_A_DIAGNOSIS, RED_FLAGS, RED_FLAGS_HEADING
from posture_check.presentation import doc_title
from posture_check.report.json_types import (
    SCHEMA_ID,
    AnalysisJson,
    FindingJson,
    InputJson,
    MeasureSummaryJson,
    PictureJson,
    QualityWarningJson,
    RedFlagJson,
    ReportJson,
    SetupCheckJson,
    StretchJson,
)
from posture_check.report.setup_section import setup_report

if TYPE_CHECKING:
    from posture_check.analysis.results import AnalysisResult, InputInfo, QualityWarning
    from posture_check.measures import Finding, RedFlag
    from posture_check.measures.indicators import Side
    from posture_check.stretch import StretchAnalysis

__all__ = ["build_report", "dumps", "jsonable", "write_json"]

def jsonable(x):
    """Convert numpy scalars/arrays, tuples and non-finite floats (-> None) for JSON."""
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return jsonable(x.tolist())
    if isinstance(x, np.bool_ | bool):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, float | np.floating):
        return float(x) if math.isfinite(float(x)) else None
    return x


def _version() -> str:
    try:
        return metadata.version("posture-check")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _ci90(lo: float, hi: float) -> list[float] | None:
    return [float(lo), float(hi)] if math.isfinite(lo) and math.isfinite(hi) else None


def _finding(f: Finding) -> FindingJson:
    return {
        "ci90": _ci90(*f.ci90),
        "measure": f.measure, "severity": f.severity, "value": f.value, "unit": f.unit,
        "message": f.message, "source_doc": f.source_doc, "reference": f.reference,
        "fraction_of_valid_frames": f.fraction_of_valid_frames,
        "valid_fraction": f.valid_fraction, "n_valid_frames": int(f.n_valid),
        # Finding.direction is typed str; side_of gives only "left", "right" or None
        "direction": cast("Side | None", f.direction),
        "change_since_baseline": f.change_since_baseline,
        "heuristic_threshold": bool(f.heuristic), "threshold_watch": f.thresholds[0],
        "threshold_flag": f.thresholds[1], "extra": dict(f.extra),
    }


def _stretch(result: AnalysisResult) -> StretchJson | None:
    if result.stretch is None:
        return None
    sa = cast("StretchAnalysis", result.stretch)
    from posture_check.stretch import get_stretch

    st = get_stretch(sa.stretch)
    d = sa.to_dict()
    # the keys of StretchAnalysis.to_dict in its order ("stretch" renamed), then the catalogue's
    out: StretchJson = {
        "side": d["side"], "verdict": d["verdict"], "messages": d["messages"],
        "angle": d["angle"], "repetitions": d["repetitions"], "sides": d["sides"],
        "phases": d["phases"], "name": d["stretch"], "title": st.title,
        "instructions": st.instructions, "target_hold_s": list(st.hold_s),
        "target_angle_deg": list(st.target_deg), "max_speed_deg_s": st.max_speed_deg_s,
        "views": list(st.views), "sources": list(st.sources),
    }
    for k, v in d.items():  # a key to_dict gained since: kept (objects are open; add it above)
        if k != "stretch" and k not in out:
            cast("dict[str, Any]", out)[k] = v
    return out


def _input(info: InputInfo) -> InputJson:
    p = info.picture
    picture: PictureJson | None = None if p is None else {
        "x0": round(p[0], 4), "y0": round(p[1], 4), "x1": round(p[2], 4), "y1": round(p[3], 4)}
    return {
        "file_name": info.file_name, "kind": info.kind, "size_bytes": info.size_bytes,
        "width_px": info.width, "height_px": info.height,
        "fps_container": info.fps if info.fps > 0 else None,
        "n_frames_container": info.n_frames_container, "duration_s": info.duration_s,
        "rotation_deg": info.rotation_deg, "picture": picture,
    }


def _analysis(result: AnalysisResult) -> AnalysisJson:
    series = result.series
    aw, ah = result.input.analysed_size
    return {
        "n_frames_analysed": len(series), "n_frames_with_person": result.n_detected,
        "n_frames_valid": result.n_valid, "analysed_width_px": aw, "analysed_height_px": ah,
        "t_first_s": float(series.t_s[0]), "t_last_s": float(series.t_s[-1]),
        "model": str(series.meta.get("model", "")),
        "measures_method": result.measures.meta.get("method"),
        "smoothing": result.measures.meta.get("smoothing"),
        "pain_side": result.options.pain_side, "height_m": result.options.height_m,
        "stretch_requested": result.options.stretch,
        "sampling": result.options.sampling if result.input.kind == "video" else None,
        "flip_averaged_fraction": float(np.mean(series.flipped)) if len(series) else 0.0,
        "frames_with_several_people_fraction": float(np.mean(result.people_per_frame > 1)),
        # a damaged recording analysed as far as it decoded: the time range lost [from, to]
        "partial": result.partial,
        "lost_s": (series.meta.get("damaged") or {}).get("lost_s"),
    }


def _warning(w: QualityWarning) -> QualityWarningJson:
    return {"code": w.code, "message": w.message, "fraction": w.fraction}


def _red_flag(r: RedFlag) -> RedFlagJson:
    return {"text": r.text, "source_doc": r.source_doc, "reference": r.reference}


def build_report(result: AnalysisResult) -> ReportJson:
    """The report of an :class:`~posture_check.analysis.results.AnalysisResult` as a JSON-ready
    dict."""
    summary = result.measures.summary()
    measures: dict[str, MeasureSummaryJson] = {}
    for name, s in summary.items():
        spec = MEASURE_SPECS.get(name)
        measures[name] = {
            "unit": s.unit, "median": s.median, "p10": s.p10, "p90": s.p90,
            "ci90": _ci90(s.ci90_lo, s.ci90_hi),
            "valid_fraction": s.valid_fraction, "n_valid_frames": s.n_valid,
            "positive_means": spec.positive if spec else "",
            "valid_views": list(spec.views) if spec else [],
            "description": spec.description if spec else "",
        }
    docs = {f.source_doc for f in result.findings} | {
        r.source_doc for r in RED_FLAGS if r.source_doc}
    if result.stretch is not None:
        docs |= {"000_d6bce9b67209ff87.txt", "003_f1656872b7ed7076.txt"}
    report: ReportJson = {
        "schema": SCHEMA_ID,
        "generator": {"name": "posture-check", "version": _version()},
        "created_utc": result.created_utc,
        "input": _input(result.input),
        "analysis": _analysis(result),
        "views": dict(result.view_fractions()),  # copied: dict[str, float | None]
        "main_view": result.main_view,
        "measures": measures,
        "findings": [_finding(f) for f in result.findings],
        "stretch": _stretch(result),
        "quality_warnings": [_warning(w) for w in result.warnings],
        "setup_check": cast(SetupCheckJson, setup_report(result)),
        "red_flags": {"heading": RED_FLAGS_HEADING, "items": [_red_flag(r) for r in RED_FLAGS]},
        "not_a_diagnosis": NOT_A_DIAGNOSIS,
        "sources": {d: doc_title(d) for d in sorted(docs)},
        "timings_s": {k: v for k, v in result.timings_s.items() if k.endswith("_s")},
    }
    return cast(ReportJson, jsonable(report))  # the same shape, numpy and NaN made JSON


def dumps(result_or_report, indent: int | None = 2) -> str:
    """JSON text of a result (or of an already built report dict)."""
    report = result_or_report if isinstance(result_or_report, dict) \
        else build_report(result_or_report)
    return json.dumps(report, indent=indent, ensure_ascii=False, allow_nan=False) + "\n"


def write_json(result, path: str | os.PathLike[str]) -> Path:
    """Write the JSON report atomically; return the path."""
    write_text_atomic(path, dumps(result))
    return Path(path)
