"""The JSON report's schema, generated from the TypedDicts of posture_check.report.json_types
(no pose model): it is a valid draft 2020-12 schema, accepts a realistic report (a video with a
stretch check), rejects a missing required key, a wrong enum, a wrong type or a number out of
range, and the generator maps each kind of type as documented."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import jsonschema
import pytest

from posture_check.measures import NOT_A_DIAGNOSIS, RED_FLAGS, RED_FLAGS_HEADING
from posture_check.report import REPORT_SCHEMA, SCHEMA_ID, validate
from posture_check.report import json_types as jt
from posture_check.report.schema import DRAFT, json_schema, report_schema

FRACTION_NULL = {"type": ["number", "null"], "minimum": 0, "maximum": 1}


def _report() -> dict[str, Any]:
    """A report as build_report writes one: a 30 fps side-view video with a hamstring check."""
    finding = {
        "ci90": [5.16, 18.31], "measure": "shoulder_tilt", "severity": "flag", "value": 11.7,
        "unit": "deg", "message": "Your right shoulder sits higher than the other by about "
        "11.7 degrees.", "source_doc": "004_46944711b1f5bc22.txt",
        "reference": "Supporting measure; heuristic thresholds.",
        "fraction_of_valid_frames": 1.0, "valid_fraction": 1.0, "n_valid_frames": 76,
        "direction": "right", "change_since_baseline": None, "heuristic_threshold": True,
        "threshold_watch": 2.0, "threshold_flag": 4.0, "extra": {},
    }
    not_measured = {**finding, "ci90": None, "measure": "lateral_lean",
                    "severity": "not_measured", "value": None, "fraction_of_valid_frames": 0.0,
                    "valid_fraction": 0.0, "n_valid_frames": 0, "direction": None,
                    "heuristic_threshold": False, "extra": {"reason": "wrong_view"}}
    repetition = {
        "index": 0, "side": "both", "t_start_s": 2.47, "t_hold_start_s": 6.7,
        "t_hold_end_s": 37.27, "t_end_s": 40.63, "hold_s": 30.57, "hold_band_deg": 1.14,
        "angle_reached_deg": 73.4, "bounce_frequency_hz": None, "cut_by_recording": False,
        "faults": [], "verdict": "good", "messages": ["Good: slow entry, steady hold of 31 s."],
    }
    return {
        "schema": SCHEMA_ID,
        "generator": {"name": "posture-check", "version": "0.1.0"},
        "created_utc": "2026-12-07T20:57:52Z",
        "input": {"file_name": "hamstring_good_side.mp4", "kind": "video", "size_bytes": 26608,
                  "width_px": 480, "height_px": 640, "fps_container": 15.0,
                  "n_frames_container": 646, "duration_s": 43.07, "rotation_deg": 0,
                  "picture": {"x0": 0.0, "y0": 0.1, "x1": 1.0, "y1": 0.9}},
        "analysis": {"n_frames_analysed": 646, "n_frames_with_person": 646, "n_frames_valid": 640,
                     "analysed_width_px": 480, "analysed_height_px": 640, "t_first_s": 0.0,
                     "t_last_s": 43.0, "model": "pose_landmarker_full.task",
                     "measures_method": "product", "smoothing": "zero_phase", "pain_side": None,
                     "height_m": 1.72, "stretch_requested": "standing_hamstring",
                     "sampling": "adaptive", "flip_averaged_fraction": 1.0,
                     "frames_with_several_people_fraction": 0.0, "partial": False,
                     "lost_s": None},
        "views": {"right_side": 0.98, "none": 0.02},
        "main_view": "right_side",
        "measures": {"trunk_flexion": {
            "unit": "deg", "median": 12.5, "p10": None, "p90": None, "ci90": None,
            "valid_fraction": 0.9, "n_valid_frames": 580, "positive_means": "forward",
            "valid_views": ["left_side", "right_side"], "description": "trunk from vertical"}},
        "findings": [finding, not_measured],
        "stretch": {
            "side": "both", "verdict": "good", "messages": ["1 repetition, 1 good."],
            "angle": {"both": "trunk_flexion"}, "repetitions": [repetition],
            "sides": {"both": {"side": "both", "n_reps": 1, "verdict": "good"}},
            "phases": {"both": [{"phase": "rest", "t0_s": 0.0, "t1_s": 2.47},
                                {"phase": "moving_in", "t0_s": 2.47, "t1_s": 6.7},
                                {"phase": "holding", "t0_s": 6.7, "t1_s": 37.3}]},
            "name": "standing_hamstring", "title": "Standing hamstring stretch (hip hinge)",
            "instructions": "Heel forward, knee soft.", "target_hold_s": [20.0, 30.0],
            "target_angle_deg": [30.0, 100.0], "max_speed_deg_s": 60.0,
            "views": ["left_side", "right_side"], "sources": ["ACSM: hold 10-30 s"],
        },
        "quality_warnings": [{"code": "short_recording", "message": "Record at least 10 s.",
                              "fraction": None}],
        "setup_check": {"items": [{"name": "distance", "label": "Distance to the camera",
                                   "ok": False, "value": 0.545, "fix": "Come closer."},
                                  {"name": "level", "label": "Camera level", "ok": True,
                                   "value": None, "fix": ""}],
                        "all_ok": False, "first_s": 3.0, "ready_at_s": None,
                        "target_view": "side", "roll_source": "body"},
        "red_flags": {"heading": RED_FLAGS_HEADING,
                      "items": [{"text": r.text, "source_doc": r.source_doc,
                                 "reference": r.reference} for r in RED_FLAGS]},
        "not_a_diagnosis": NOT_A_DIAGNOSIS,
        "sources": {"004_46944711b1f5bc22.txt": "the sports-massage therapist's articles"},
        "timings_s": {"landmarks_s": 6.79, "total_s": 8.36},
    }


DELETE = object()


def _changed(path: str, value: Any) -> dict[str, Any]:
    """The report with the value at ``path`` ("a.b.0.c") replaced, or deleted for DELETE."""
    rep = _report()
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    node: Any = rep
    for p in parents:
        node = node[p]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return rep


def test_the_schema_is_a_draft_2020_12_schema_generated_from_the_types():
    jsonschema.Draft202012Validator.check_schema(REPORT_SCHEMA)
    assert REPORT_SCHEMA["$schema"] == DRAFT
    assert report_schema() == REPORT_SCHEMA
    assert REPORT_SCHEMA["properties"]["schema"] == {"const": SCHEMA_ID}
    assert REPORT_SCHEMA["description"] == jt.ReportJson.__doc__


def test_a_realistic_report_validates():
    validate(_report())


@pytest.mark.parametrize("path, value", [
    # missing required keys, at each level
    ("schema", DELETE), ("red_flags", DELETE), ("timings_s", DELETE), ("stretch", DELETE),
    ("input.kind", DELETE), ("analysis.stretch_requested", DELETE),
    ("measures.trunk_flexion.ci90", DELETE), ("findings.0.severity", DELETE),
    ("findings.1.threshold_flag", DELETE), ("stretch.target_hold_s", DELETE),
    ("stretch.repetitions.0.t_hold_end_s", DELETE), ("stretch.phases.both.0.t1_s", DELETE),
    ("quality_warnings.0.fraction", DELETE), ("setup_check.items.0.fix", DELETE),
    ("red_flags.items.0.reference", DELETE), ("input.picture.y1", DELETE),
    # wrong enums and constants
    ("schema", "posture-check.report/1"), ("findings.0.severity", "terrible"),
    ("findings.0.direction", "up"), ("input.kind", "audio"), ("analysis.pain_side", "both"),
    ("analysis.sampling", "sometimes"), ("stretch.verdict", "great"),
    ("stretch.repetitions.0.verdict", "great"), ("stretch.repetitions.0.side", "none"),
    ("stretch.phases.both.1.phase", "resting"), ("setup_check.target_view", "back"),
    # wrong types
    ("findings.0.value", "11.7"), ("findings.0.heuristic_threshold", 1),
    ("input.size_bytes", 1.5), ("analysis.partial", None), ("measures.trunk_flexion", []),
    ("views.none", "2%"), ("sources.x", None), ("timings_s.total_s", None),
    ("stretch", []), ("findings.0.extra", []), ("stretch.repetitions.0.t_start_s", "2 s"),
    # number, string and array limits
    ("findings.0.valid_fraction", 1.5), ("quality_warnings.0.fraction", -0.1),
    ("views.right_side", 1.01), ("measures.trunk_flexion.n_valid_frames", -1),
    ("input.width_px", 0), ("analysis.n_frames_analysed", 0), ("input.picture.x1", 1.2),
    ("findings.0.ci90", [1.0, 2.0, 3.0]), ("analysis.lost_s", [1.0]),
    ("stretch.target_angle_deg", [30.0]), ("red_flags.items", []),
    ("not_a_diagnosis", "Not a diagnosis."),
])
def test_a_broken_report_is_rejected(path, value):
    with pytest.raises(jsonschema.ValidationError):
        validate(_changed(path, value))


@pytest.mark.parametrize("path, value", [
    # optional keys (added within the major version)
    ("input.picture", DELETE), ("setup_check", DELETE), ("analysis.sampling", DELETE),
    ("analysis.lost_s", DELETE), ("findings.0.extra", DELETE),
    ("findings.0.change_since_baseline", DELETE), ("stretch.angle", DELETE),
    ("measures.trunk_flexion.description", DELETE),
    # missing numbers are null; a photo has no stretch, no frame rate, no sampling
    ("stretch", None), ("input.picture", None), ("input.fps_container", None),
    ("analysis.sampling", None), ("findings.0.ci90", None), ("analysis.lost_s", [2.0, 3.5]),
    # objects are open: readers ignore keys they do not know
    ("future_key", 1), ("findings.0.future_key", "x"), ("stretch.repetitions.0.sparc_in", -1.5),
])
def test_optional_null_and_unknown_keys_are_accepted(path, value):
    validate(_changed(path, value))


def test_the_generator_maps_each_kind_of_type():
    class Inner(jt.TypedDict):
        """An inner object."""

        a: int
        b: jt.NotRequired[Annotated[str | None, "maybe text"]]

    assert json_schema(Inner) == {
        "type": "object", "description": "An inner object.", "required": ["a"],
        "properties": {"a": {"type": "integer"},
                       "b": {"type": ["string", "null"], "description": "maybe text"}}}
    assert json_schema(jt.Fraction | None) == FRACTION_NULL
    assert json_schema(Literal["x"]) == {"const": "x"}
    assert json_schema(Literal["x", "y"] | None) == {"enum": ["x", "y", None]}
    assert json_schema(dict[str, Any]) == {"type": "object"}
    assert json_schema(dict[str, bool]) == {"type": "object",
                                            "additionalProperties": {"type": "boolean"}}
    assert json_schema(jt.Pair) == {"type": "array", "items": {"type": "number"},
                                    "minItems": 2, "maxItems": 2}
    assert json_schema(int | str) == {"anyOf": [{"type": "integer"}, {"type": "string"}]}
    for unsupported in (tuple[int, int], set[str], dict[int, str], Annotated[int, 3]):
        with pytest.raises(TypeError):
            json_schema(unsupported)


def test_required_keys_agree_with_the_typeddicts():
    """The generator reads NotRequired from the annotations; Python's own __required_keys__
    must agree (they part if json_types ever gets ``from __future__ import annotations``)."""
    seen = 0
    for name in jt.__all__:
        td = getattr(jt, name)
        if not hasattr(td, "__required_keys__"):
            continue
        assert set(json_schema(td)["required"]) == set(td.__required_keys__), name
        seen += 1
    assert seen >= 15

