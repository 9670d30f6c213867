"""The JSON report's schema: versioned, stable keys, units in the key names.

``schema`` holds :data:`SCHEMA_ID` (``posture-check.report/<major>``). Within a major version keys
are only ever added, never renamed or removed; a breaking change bumps the major version. Units:
``_s`` seconds, ``_deg`` degrees, ``_px`` pixels, ``_cm`` centimetres, ``_bytes``, ``fraction``
0..1; a measure's own unit is in its ``unit`` field. Missing numbers (nothing valid, NaN) are
``null``. Left/right are always the subject's own sides.

:data:`REPORT_SCHEMA` is a JSON Schema (draft 2020-12) that :func:`validate` checks with
``jsonschema`` (a test dependency; :func:`validate` raises ``ImportError`` without it).
"""

from __future__ import annotations

SCHEMA_ID = "posture-check.report/2"
# /2 (breaking: findings may be downgraded by the interval, new gating reasons): every measure
# summary and finding carries ``ci90`` = [lo, hi], the 90% interval of the true value
# (posture_check.measures.uncertainty), null where it cannot be given honestly.

_num = {"type": ["number", "null"]}
_str_or_null = {"type": ["string", "null"]}
_fraction = {"type": ["number", "null"], "minimum": 0, "maximum": 1}

_CI90 = {"oneOf": [{"type": "null"},
                   {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}]}

_SUMMARY = {
    "type": "object",
    "required": ["unit", "median", "p10", "p90", "ci90", "valid_fraction", "n_valid_frames",
                 "positive_means", "valid_views"],
    "properties": {
        "unit": {"type": "string"},
        "median": _num, "p10": _num, "p90": _num,
        "ci90": _CI90,
        "valid_fraction": _fraction,
        "n_valid_frames": {"type": "integer", "minimum": 0},
        "positive_means": {"type": "string"},
        "valid_views": {"type": "array", "items": {"type": "string"}},
        "description": {"type": "string"},
    },
}

_FINDING = {
    "type": "object",
    "required": ["measure", "severity", "value", "unit", "message", "source_doc", "reference",
                 "fraction_of_valid_frames", "valid_fraction", "n_valid_frames", "direction",
                 "heuristic_threshold", "threshold_watch", "threshold_flag", "ci90"],
    "properties": {
        "measure": {"type": "string"},
        "ci90": _CI90,
        "severity": {"enum": ["ok", "watch", "flag", "not_measured"]},
        "value": _num,
        "unit": {"type": "string"},
        "message": {"type": "string"},
        "source_doc": {"type": "string"},
        "reference": {"type": "string"},
        "fraction_of_valid_frames": _fraction,
        "valid_fraction": _fraction,
        "n_valid_frames": {"type": "integer", "minimum": 0},
        "direction": {"enum": ["left", "right", None]},
        "change_since_baseline": _num,
        "heuristic_threshold": {"type": "boolean"},
        "threshold_watch": _num,
        "threshold_flag": _num,
        "extra": {"type": "object"},
    },
}

_REPETITION = {
    "type": "object",
    "required": ["index", "side", "t_start_s", "t_hold_start_s", "t_hold_end_s", "t_end_s",
                 "hold_s", "angle_reached_deg", "verdict", "faults", "messages"],
    "properties": {
        "index": {"type": "integer"},
        "side": {"enum": ["left", "right", "both"]},
        "hold_s": _num,
        "angle_reached_deg": _num,
        "verdict": {"enum": ["good", "too_fast", "bouncing", "too_short", "not_reached"]},
        "faults": {"type": "array", "items": {"type": "string"}},
        "messages": {"type": "array", "items": {"type": "string"}},
    },
}

_STRETCH = {
    "type": ["object", "null"],
    "required": ["name", "title", "side", "verdict", "messages", "repetitions", "sides",
                 "phases", "target_hold_s", "target_angle_deg", "max_speed_deg_s", "sources"],
    "properties": {
        "name": {"type": "string"},
        "title": {"type": "string"},
        "side": {"type": "string"},
        "verdict": {"enum": ["good", "too_fast", "bouncing", "too_short", "not_reached"]},
        "messages": {"type": "array", "items": {"type": "string"}},
        "angle": {"type": "object"},
        "repetitions": {"type": "array", "items": _REPETITION},
        "sides": {"type": "object"},
        "phases": {
            "type": "object",
            "additionalProperties": {
                "type": "array",
                "items": {
                    "type": "object", "required": ["phase", "t0_s", "t1_s"],
                    "properties": {"phase": {"enum": ["rest", "moving_in", "holding",
                                                      "moving_out"]},
                                   "t0_s": {"type": "number"}, "t1_s": {"type": "number"}},
                },
            },
        },
        "target_hold_s": {"type": "array", "items": {"type": "number"}, "minItems": 2,
                          "maxItems": 2},
        "target_angle_deg": {"type": "array", "items": {"type": "number"}, "minItems": 2,
                             "maxItems": 2},
        "max_speed_deg_s": {"type": "number"},
        "sources": {"type": "array", "items": {"type": "string"}},
    },
}

REPORT_SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://posture-check.local/schemas/report-1.json",
    "title": "posture-check report",
    "description": "Posture analysis of one recording or photo. Informs, never diagnoses.",
    "type": "object",
    "required": ["schema", "generator", "created_utc", "input", "analysis", "views",
                 "main_view", "measures", "findings", "stretch", "quality_warnings",
                 "red_flags", "not_a_diagnosis", "sources", "timings_s"],
    "properties": {
        "schema": {"const": SCHEMA_ID},
        "generator": {
            "type": "object", "required": ["name", "version"],
            "properties": {"name": {"type": "string"}, "version": {"type": "string"}},
        },
        "created_utc": {"type": "string"},
        "input": {
            "type": "object",
            "required": ["file_name", "kind", "size_bytes", "width_px", "height_px",
                         "fps_container", "n_frames_container", "duration_s", "rotation_deg"],
            "properties": {
                "file_name": {"type": "string"},
                "kind": {"enum": ["video", "image"]},
                "size_bytes": {"type": "integer", "minimum": 0},
                "width_px": {"type": "integer", "minimum": 1},
                "height_px": {"type": "integer", "minimum": 1},
                "fps_container": _num,
                "n_frames_container": {"type": "integer", "minimum": 0},
                "duration_s": _num,
                "rotation_deg": {"type": "integer"},
                # the picture inside letterbox / pillarbox bars, fractions of the frame
                "picture": {"oneOf": [{"type": "null"}, {
                    "type": "object", "required": ["x0", "y0", "x1", "y1"],
                    "properties": {k: {"type": "number", "minimum": 0, "maximum": 1}
                                   for k in ("x0", "y0", "x1", "y1")}}]},
            },
        },
        "analysis": {
            "type": "object",
            "required": ["n_frames_analysed", "n_frames_with_person", "n_frames_valid",
                         "analysed_width_px", "analysed_height_px", "t_first_s", "t_last_s",
                         "model", "measures_method", "smoothing", "pain_side", "height_m",
                         "stretch_requested"],
            "properties": {
                "n_frames_analysed": {"type": "integer", "minimum": 1},
                "n_frames_with_person": {"type": "integer", "minimum": 0},
                "n_frames_valid": {"type": "integer", "minimum": 0},
                "analysed_width_px": {"type": "integer"},
                "analysed_height_px": {"type": "integer"},
                "t_first_s": _num, "t_last_s": _num,
                "model": {"type": "string"},
                "measures_method": _str_or_null,
                "smoothing": _str_or_null,
                "pain_side": {"enum": ["left", "right", None]},
                "height_m": _num,
                "stretch_requested": _str_or_null,
                "sampling": {"enum": ["full", "adaptive", None]},
                "flip_averaged_fraction": _fraction,
                "partial": {"type": "boolean"},
                "lost_s": {"oneOf": [{"type": "null"},
                                     {"type": "array", "items": {"type": "number"},
                                      "minItems": 2, "maxItems": 2}]},
            },
        },
        "views": {"type": "object", "additionalProperties": _fraction},
        "main_view": {"type": "string"},
        "measures": {"type": "object", "additionalProperties": _SUMMARY},
        "findings": {"type": "array", "items": _FINDING},
        "stretch": _STRETCH,
        "quality_warnings": {
            "type": "array",
            "items": {"type": "object", "required": ["code", "message", "fraction"],
                      "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                                     "fraction": _fraction}},
        },
        # the camera set-up check over the first seconds (posture_check.analysis.setup_check)
        "setup_check": {
            "type": "object", "required": ["items", "all_ok", "first_s", "ready_at_s"],
            "properties": {
                "items": {"type": "array", "items": {
                    "type": "object", "required": ["name", "label", "ok", "value", "fix"],
                    "properties": {"name": {"type": "string"}, "label": {"type": "string"},
                                   "ok": {"type": "boolean"}, "value": _num,
                                   "fix": {"type": "string"}}}},
                "all_ok": {"type": "boolean"},
                "first_s": {"type": "number"},
                "ready_at_s": _num,
                "target_view": {"enum": ["front", "side"]},
                "roll_source": {"type": "string"},
            },
        },
        "red_flags": {
            "type": "object", "required": ["heading", "items"],
            "properties": {
                "heading": {"type": "string"},
                "items": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "required": ["text", "source_doc", "reference"],
                    "properties": {"text": {"type": "string"}, "source_doc": _str_or_null,
                                   "reference": {"type": "string"}}}},
            },
        },
        "not_a_diagnosis": {"type": "string", "minLength": 20},
        "sources": {"type": "object", "additionalProperties": {"type": "string"}},
        "timings_s": {"type": "object", "additionalProperties": {"type": "number"}},
    },
}


def validate(report: dict) -> None:
    """Raise ``jsonschema.ValidationError`` if ``report`` does not follow :data:`REPORT_SCHEMA`."""
    import jsonschema

    jsonschema.validate(report, REPORT_SCHEMA, cls=jsonschema.Draft202012Validator)
