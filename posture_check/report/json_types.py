"""The JSON report document as types: the one definition of its keys (:class:`ReportJson`).

:func:`posture_check.report.json_report.build_report` is annotated to return these TypedDicts,
so mypy checks the builder against them, and :mod:`.schema` generates the JSON Schema from them.
Conventions of the definition, read by the generator:

* a key is required unless marked ``NotRequired[...]``; objects accept keys not listed (within a
  major version keys are only ever added, and readers ignore what they do not know);
* ``float | None``: a number, ``null`` where missing (nothing valid, NaN); ``Literal[...]``: an
  enumeration; ``dict[str, X]``: an object of any keys whose values are all ``X``;
* ``Annotated[T, "text"]``: a field's description; ``Annotated[T, Bounds(...)]``: number, string
  or array limits (``minimum``, ``maximum``, ``minLength``, ``minItems``, ``maxItems``).

This module has no ``from __future__ import annotations``: ``TypedDict`` reads ``NotRequired``
only from evaluated annotations.
"""

import sys
from dataclasses import dataclass
from typing import Annotated, Any, Final, Literal

from posture_check.measures.indicators import Severity, Side

if sys.version_info >= (3, 11):
    from typing import NotRequired, TypedDict
else:  # pragma: no cover - Python 3.10
    from typing_extensions import NotRequired, TypedDict

__all__ = [
    "SCHEMA_ID",
    "AnalysisJson",
    "Bounds",
    "FindingJson",
    "GeneratorJson",
    "InputJson",
    "MeasureSummaryJson",
    "PhaseSpanJson",
    "PictureJson",
    "QualityWarningJson",
    "RedFlagJson",
    "RedFlagsJson",
    "RepetitionJson",
    "ReportJson",
    "SchemaId",
    "SetupCheckJson",
    "SetupItemJson",
    "StretchJson",
]

SchemaId = Literal["posture-check.report/2"]
SCHEMA_ID: Final[SchemaId] = "posture-check.report/2"
# /2 (breaking: findings may be downgraded by the interval, new gating reasons): every measure
# summary and finding carries ``ci90`` = [lo, hi], the 90% interval of the true value
# (posture_check.measures.uncertainty), null where it cannot be given honestly.


@dataclass(frozen=True)
class Bounds:
    """Limits added to a type's JSON Schema (None: no limit)."""

    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = None
    min_items: int | None = None
    max_items: int | None = None


Count = Annotated[int, Bounds(minimum=0)]
Fraction = Annotated[float, Bounds(minimum=0, maximum=1)]
Pair = Annotated[list[float], Bounds(min_items=2, max_items=2)]
CI90 = Annotated[Pair | None, "[lo, hi], the 90% interval of the true value; null where it "
                              "cannot be given honestly"]
Verdict = Literal["good", "too_fast", "bouncing", "too_short", "not_reached"]


class GeneratorJson(TypedDict):
    """The program that wrote the report."""

    name: str
    version: str


class PictureJson(TypedDict):
    """The picture inside letterbox / pillarbox bars, as fractions of the frame."""

    x0: Fraction
    y0: Fraction
    x1: Fraction
    y1: Fraction


class InputJson(TypedDict):
    """The analysed file as its container describes it."""

    file_name: str
    kind: Literal["video", "image"]
    size_bytes: Count
    width_px: Annotated[int, Bounds(minimum=1), "displayed frame width (after rotation)"]
    height_px: Annotated[int, Bounds(minimum=1), "displayed frame height (after rotation)"]
    fps_container: Annotated[float | None, "the container's nominal rate; null for a photo"]
    n_frames_container: Count
    duration_s: float | None
    rotation_deg: int
    picture: NotRequired[Annotated[
        PictureJson | None,
        "the picture inside letterbox / pillarbox bars, fractions of the frame; null: no bars"]]


class AnalysisJson(TypedDict):
    """How the recording was analysed, and how much of it could be used."""

    n_frames_analysed: Annotated[int, Bounds(minimum=1)]
    n_frames_with_person: Count
    n_frames_valid: Annotated[int, Bounds(minimum=0), "frames with at least one valid measure"]
    analysed_width_px: Annotated[int, "the frame size the pose model saw (after downscaling)"]
    analysed_height_px: int
    t_first_s: float | None
    t_last_s: float | None
    model: str
    measures_method: str | None
    smoothing: str | None
    pain_side: Side | None
    height_m: float | None
    stretch_requested: str | None
    sampling: NotRequired[Annotated[Literal["full", "adaptive"] | None,
                                    "frame sampling of a video; null for a photo"]]
    flip_averaged_fraction: NotRequired[Annotated[
        Fraction | None, "share of frames read on the frame and on its mirror image"]]
    frames_with_several_people_fraction: NotRequired[Fraction | None]
    partial: NotRequired[Annotated[
        bool, "a damaged recording analysed as far as it decoded"]]
    lost_s: NotRequired[Annotated[Pair | None, "the time range lost [from, to]"]]


class MeasureSummaryJson(TypedDict):
    """One measure over its valid frames (null numbers: too little valid data)."""

    unit: str
    median: Annotated[float | None, "median over the valid frames, in unit"]
    p10: float | None
    p90: float | None
    ci90: CI90
    valid_fraction: Fraction | None
    n_valid_frames: Count
    positive_means: Annotated[str, "what a positive value means"]
    valid_views: Annotated[list[str], "the views in which the measure is read"]
    description: NotRequired[str]


class FindingJson(TypedDict):
    """One finding for one measure: severity against the thresholds, with its source."""

    ci90: CI90
    measure: str
    severity: Severity
    value: Annotated[float | None, "median over the valid frames, in unit"]
    unit: str
    message: str
    source_doc: str
    reference: str
    fraction_of_valid_frames: Annotated[
        Fraction | None, "share of valid frames beyond the threshold of this severity"]
    valid_fraction: Fraction | None
    n_valid_frames: Count
    direction: Annotated[Side | None, "the subject's side the value points to; null if not "
                                      "sided"]
    change_since_baseline: NotRequired[float | None]
    heuristic_threshold: bool
    threshold_watch: float | None
    threshold_flag: float | None
    extra: NotRequired[dict[str, Any]]


class RepetitionJson(TypedDict):
    """One repetition (more keys: speeds, smoothness, bounce; see
    posture_check.stretch.form.Repetition)."""

    index: int
    side: Literal["left", "right", "both"]
    t_start_s: float | None
    t_hold_start_s: float | None
    t_hold_end_s: float | None
    t_end_s: float | None
    hold_s: float | None
    angle_reached_deg: float | None
    verdict: Verdict
    faults: list[str]
    messages: list[str]


class PhaseSpanJson(TypedDict):
    """One phase of a stretch, from t0_s to t1_s."""

    phase: Literal["rest", "moving_in", "holding", "moving_out"]
    t0_s: float
    t1_s: float


class StretchJson(TypedDict):
    """The stretch-form check: verdict, repetitions and the catalogue's targets."""

    name: Annotated[str, "the stretch's catalogue name"]
    title: str
    side: str
    verdict: Verdict
    messages: list[str]
    angle: NotRequired[Annotated[dict[str, Any], "side -> the angle checked"]]
    repetitions: list[RepetitionJson]
    sides: Annotated[dict[str, Any], "side -> summary of its repetitions"]
    phases: Annotated[dict[str, list[PhaseSpanJson]], "side -> its phases in order"]
    instructions: NotRequired[str]
    target_hold_s: Pair
    target_angle_deg: Pair
    max_speed_deg_s: float
    views: NotRequired[list[str]]
    sources: list[str]


class QualityWarningJson(TypedDict):
    """A problem with the recording that limits what can be measured."""

    code: Annotated[str, "stable identifier, e.g. feet_out_of_frame"]
    message: str
    fraction: Annotated[Fraction | None, "share of frames affected"]


class SetupItemJson(TypedDict):
    """One item of the camera set-up checklist."""

    name: str
    label: str
    ok: bool
    value: float | None
    fix: str


class SetupCheckJson(TypedDict):
    """The camera set-up check over the first seconds (posture_check.analysis.setup_check)."""

    items: list[SetupItemJson]
    all_ok: bool
    first_s: float
    ready_at_s: Annotated[float | None, "when the set-up first held for 1.5 s; null: never"]
    target_view: NotRequired[Literal["front", "side"]]
    roll_source: NotRequired[str]


class RedFlagJson(TypedDict):
    """A symptom that needs a doctor, with its source."""

    text: str
    source_doc: str | None
    reference: str


class RedFlagsJson(TypedDict):
    """The red flags shown with every report."""

    heading: str
    items: Annotated[list[RedFlagJson], Bounds(min_items=1)]


class ReportJson(TypedDict):
    """Posture analysis of one recording or photo. Informs, never diagnoses."""

    schema: SchemaId
    generator: GeneratorJson
    created_utc: str
    input: InputJson
    analysis: AnalysisJson
    views: Annotated[dict[str, Fraction | None], "share of all frames per view ('none': no "
                                                 "person), largest first"]
    main_view: str
    measures: dict[str, MeasureSummaryJson]
    findings: list[FindingJson]
    stretch: Annotated[StretchJson | None, "the stretch-form check; null if none was asked"]
    quality_warnings: list[QualityWarningJson]
    setup_check: NotRequired[SetupCheckJson]
    red_flags: RedFlagsJson
    not_a_diagnosis: Annotated[str, Bounds(min_length=20)]
    sources: Annotated[dict[str, str], "document file -> its title"]
    timings_s: Annotated[dict[str, float], "seconds per stage (varies run to run)"]
