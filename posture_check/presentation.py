"""Every user-facing name in one place: measures, views, sides, stretches, severities, documents.

The library keeps short machine names (``lateral_lean``, ``left_side``, ``standing_hamstring``,
``000_d6bce9b67209ff87.txt``); a person never sees them. The app, the overlay drawn on frames,
the findings text and the reports take their words from here, and the numbers they print go
through :func:`value_text` / :func:`overlay_text`, so the live table, the overlay and the
findings say the same value with the same side at the same moment.

Sign conventions (as the measures): sided values are the subject's own left/right, never the
image's; lean and shoulder/hip height are ``+`` toward / higher on the subject's right; foot
turn-out is ``+`` toes outward; angles in degrees, printed with one decimal.
"""

from __future__ import annotations

import math
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DOC_TITLES",
    "FORMAT_LABELS",
    "MEASURE_LABELS",
    "PHOTO_VISUAL_LABEL",
    "REASON_TEXT",
    "SEVERITY_COLORS",
    "SEVERITY_LABELS",
    "SEVERITY_ORDER",
    "VIEW_LABELS",
    "SeverityColors",
    "doc_title",
    "error_text",
    "hold_text",
    "interval_text",
    "measure_label",
    "normal_text",
    "number_text",
    "overlay_text",
    "severity_label",
    "side_of",
    "value_text",
    "view_label",
]

#: Measure -> (label for tables and reports, short name drawn on frames).
MEASURE_LABELS: dict[str, tuple[str, str]] = {
    "lateral_lean": ("Sideways lean", "lean"),
    "lateral_shift_cm": ("Sideways shift of the shoulders", "shift"),
    "pelvic_obliquity": ("Hip height difference", "hips"),
    "shoulder_tilt": ("Shoulder height difference", "shoulders"),
    "head_shift_cm": ("Sideways shift of the head", "head"),
    "foot_turnout_left": ("Left foot turn-out", "L foot"),
    "foot_turnout_right": ("Right foot turn-out", "R foot"),
    "foot_turnout_asymmetry": ("Foot turn-out difference", "feet"),
    "knee_flexion_left": ("Left knee bend", "L knee"),
    "knee_flexion_right": ("Right knee bend", "R knee"),
    "hip_flexion_left": ("Left hip bend", "L hip"),
    "hip_flexion_right": ("Right hip bend", "R hip"),
    "trunk_flexion": ("Forward bend of the trunk", "trunk"),
    "pelvic_tilt": ("Trunk-thigh angle (side view)", "trunk-thigh"),
}

#: Detected camera view -> words.
VIEW_LABELS: dict[str, str] = {
    "front": "facing the camera",
    "back": "back to the camera",
    "left_side": "left side to the camera",
    "right_side": "right side to the camera",
    "oblique": "half turned",
    "none": "nobody in view",
}

#: Why a measure was not measured (``measures.quality.REASONS``) -> words.
REASON_TEXT: dict[str, str] = {
    "ok": "measured",
    "no_person": "nobody in view",
    "out_of_frame": "part of the body out of the picture",
    "low_visibility": "joints hard to see",
    "wrong_view": "the wrong way round to the camera",
    "too_short": "too little usable footage",
    "not_standing": "only meaningful standing upright, knees and hips straight",
    "view_uncertain": "the face is out of the picture, so front and back can't be told apart",
    "moving": "you were moving (posture is read only while standing still)",
    "implausible": "a reading no standing body can give (the pose model lost track)",
    "hidden": "the leg was behind the other one, out of the camera's sight",
}

#: Finding severity -> the word shown beside it.
SEVERITY_LABELS: dict[str, str] = {
    "flag": "flag",
    "watch": "watch",
    "ok": "ok",
    "borderline": "not steady",
    "uncertain": "uncertain",
    "not_measured": "not measured",
}

#: Findings sort most serious first (reports, app); unknown severities go last (9).
SEVERITY_ORDER: dict[str, int] = {"flag": 0, "watch": 1, "ok": 2, "not_measured": 3}


@dataclass(frozen=True)
class SeverityColors:
    """One severity's colour in every medium that shows it.

    ``rgb``: drawn on frames (:mod:`posture_check.draw`, RGB 0-255); ``band`` and ``line``:
    matplotlib hex colours of the threshold bands and marks in the report figures
    (:mod:`posture_check.report.plots`); ``app``: Streamlit's colour word for the severity's
    word in the app (coloured words, not emoji: they read the same without an emoji font).
    """

    rgb: tuple[int, int, int]
    band: str
    line: str
    app: str


#: Severity -> its colours (green / amber / red; grey when not measured).
SEVERITY_COLORS: dict[str, SeverityColors] = {
    "ok": SeverityColors((40, 190, 90), "#d8f0dc", "#1f8a3b", "green"),
    "watch": SeverityColors((255, 190, 0), "#fde8b0", "#c98a00", "orange"),
    "flag": SeverityColors((230, 50, 50), "#f8c9c4", "#c62828", "red"),
    "not_measured": SeverityColors((150, 150, 150), "#eeeeee", "#9e9e9e", "gray"),
}

#: Source document file -> how a person reads it named (see /work/shared/docs/README.md).
DOC_TITLES: dict[str, str] = {
    "000_d6bce9b67209ff87.txt": "the restorative therapist's talk on sciatic pain",
    "001_c8b2c726125be855.txt": "the blog post on the deep piriformis stretch",
    "002_adb4381a1cdd5920.txt": "the neuromuscular therapist's post on muscle and joint balance",
    "003_f1656872b7ed7076.txt": "the self-massage guide for sciatica",
    "004_46944711b1f5bc22.txt": "the sports-massage therapist's articles on sciatica and "
                                "lower back pain",
}
_DOC_BY_NUMBER = {name[:3]: name for name in DOC_TITLES}

#: What each report format is called on a download button or in a listing.
FORMAT_LABELS: dict[str, str] = {"pdf": "PDF report", "html": "HTML report", "json": "JSON",
                                 "csv": "CSV", "video": "Annotated video"}
#: A photo's annotated picture, its "video" format.
PHOTO_VISUAL_LABEL = "Annotated photo"

# Measures whose sign names a side: + -> first word, - -> second.
_SIDED = {
    "lateral_lean": ("right", "left"),
    "lateral_shift_cm": ("right", "left"),
    "head_shift_cm": ("right", "left"),
    "pelvic_obliquity": ("right", "left"),
    "shoulder_tilt": ("right", "left"),
    "foot_turnout_asymmetry": ("right", "left"),
}


def doc_title(doc: str) -> str:
    """A document by its subject: ``"000"``, ``"doc 000"`` or the file name -> words."""
    key = doc.strip().removeprefix("doc ").strip()
    name = _DOC_BY_NUMBER.get(key[:3], key)
    return DOC_TITLES.get(name, doc)


def measure_label(measure: str) -> str:
    """The table / report label of a measure."""
    return MEASURE_LABELS.get(measure, (measure.replace("_", " ").capitalize(), ""))[0]


def view_label(view: str) -> str:
    return VIEW_LABELS.get(view, view.replace("_", " "))


def side_of(measure: str, value: float) -> str | None:
    """The subject's side a value points to (``None`` if not sided or not finite)."""
    if measure.endswith("_left"):
        return "left"
    if measure.endswith("_right"):
        return "right"
    if measure not in _SIDED or not math.isfinite(value):
        return None
    pos, neg = _SIDED[measure]
    return pos if value > 0 else neg


def _unit(measure: str) -> str:
    return " cm" if measure.endswith("_cm") else "°"


def number_text(value: float | None, unit: str, signed: bool = True) -> str:
    """A number with its unit as report tables show it: ``"+8.0°"``, ``"2.1 cm"``; ``"-"``
    when not finite (``signed``: always a sign, for changes and directed measures)."""
    if value is None or not math.isfinite(value):
        return "-"
    u = "°" if unit == "deg" else f" {unit}"
    return f"{value:+.1f}{u}" if signed else f"{value:.1f}{u}"


def value_text(measure: str, value: float) -> str:
    """The value as a table shows it: ``"8.0° to your left"``, ``"2.1°, left hip higher"``,
    ``"31.0° out"``; ``"—"`` when not measured."""
    if value is None or not math.isfinite(value):
        return "—"
    mag = f"{abs(value):.1f}{_unit(measure)}"
    side = side_of(measure, value)
    if measure in ("lateral_lean", "lateral_shift_cm", "head_shift_cm"):
        return f"{mag} to your {side}"
    if measure == "pelvic_obliquity":
        return f"{mag}, {side} hip higher"
    if measure == "shoulder_tilt":
        return f"{mag}, {side} shoulder higher"
    if measure == "foot_turnout_asymmetry":
        return f"{mag}, {side} foot turned out more"
    if measure.startswith("foot_turnout_"):
        return f"{abs(value):.1f}° {'out' if value >= 0 else 'in'}"
    return f"{value:.1f}{_unit(measure)}"


def overlay_text(measure: str, value: float) -> str:
    """The few words drawn on the frame: ``"lean 8.0° left"``, ``"hips 2.1° left higher"``,
    ``"L foot 31.0° out"`` (same number and side as :func:`value_text`)."""
    short = MEASURE_LABELS.get(measure, ("", measure.replace("_", " ")))[1]
    if value is None or not math.isfinite(value):
        return f"{short}: not measured"
    mag = f"{abs(value):.1f}{_unit(measure)}"
    side = side_of(measure, value)
    if measure in ("pelvic_obliquity", "shoulder_tilt"):
        return f"{short} {mag} {side} higher"
    if measure == "foot_turnout_asymmetry":
        return f"{short} {mag} {side} more out"
    if measure in _SIDED:
        return f"{short} {mag} {side}"
    if measure.startswith("foot_turnout_"):
        return f"{short} {abs(value):.1f}° {'out' if value >= 0 else 'in'}"
    return f"{short} {value:.1f}{_unit(measure)}"


def _signed_words(measure: str, v: float) -> str:
    mag = f"{abs(v):.1f}{_unit(measure)}"
    if measure.startswith("foot_turnout_") and measure != "foot_turnout_asymmetry":
        return f"{mag} {'out' if v >= 0 else 'in'}"
    if measure in _SIDED:
        return mag if abs(v) < 0.05 else f"{mag} {_SIDED[measure][0 if v > 0 else 1]}"
    return f"{v:.1f}{_unit(measure)}"


def interval_text(measure: str, ci90: tuple[float, float] | None) -> str:
    """The 90% interval in words: ``"likely between 6.0° left and 5.0° right"``,
    ``"likely between 3.0° in and 12.0° out"``; ``""`` when there is none."""
    if ci90 is None:
        return ""
    lo, hi = (float(x) for x in ci90)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return ""
    return f"likely between {_signed_words(measure, lo)} and {_signed_words(measure, hi)}"


def normal_text(measure: str, watch: float, heuristic: bool = False) -> str:
    """What usual looks like, from the finding's first ("watch") threshold:
    ``"usual: under 1.5° either way"``, ``"usual: up to 15° out (a rule of thumb)"``
    (``heuristic``: the threshold is a rule of thumb, not a clinical cut-off)."""
    if watch is None or not math.isfinite(watch):
        return "no fixed normal: compare with your own earlier recordings"
    unit = _unit(measure)
    tail = " (a rule of thumb)" if heuristic else ""
    if measure.startswith("foot_turnout_") and measure != "foot_turnout_asymmetry":
        return f"usual: up to {watch:g}{unit} out{tail}"
    if measure in _SIDED:
        return f"usual: under {watch:g}{unit} either way{tail}"
    return f"usual: under {watch:g}{unit}{tail}"


def hold_text(held_s: float | None, target_s: float | None = None) -> str:
    """The hold timer as the overlay and the panel both show it: ``"19 s / 30 s"``.

    Whole seconds held are counted down (floor), so the timer and the checker's "Hold 11 s
    more" (the seconds still to hold, rounded up) always add up to the target: 19.6 s held of
    20 reads "19 s / 20 s" beside "Hold 1 s more", never "20 s / 20 s"."""
    if held_s is None or not math.isfinite(held_s):
        return ""
    text = f"{math.floor(max(held_s, 0.0) + 1e-9):d} s"
    return text + (f" / {target_s:.0f} s" if target_s else "")


def severity_label(finding) -> str:
    """The word shown beside a finding: ``"not steady"`` for an ``ok`` whose value is past its
    limit without being sustained, ``"uncertain"`` for one whose watch was withheld because its
    90% interval includes zero (never "ok" beside a value beyond its limit)."""
    sev = finding.severity
    if sev == "ok" and finding.extra.get("not_steady"):
        sev = "borderline"
    elif sev == "ok" and finding.extra.get("watch_withheld"):
        sev = "uncertain"
    return SEVERITY_LABELS.get(sev, sev.replace("_", " "))


def error_text(exc: BaseException, path: Path | None = None, shown_name: str | None = None
               ) -> str:
    """An error as a person reads it: the file's own name (``shown_name``, e.g. an upload's)
    instead of the server's temporary path, and no library names (OpenCV, FFmpeg)."""
    text = str(exc)
    if path is not None:
        text = text.replace(str(path), shown_name or path.name)
        text = text.replace(str(path.parent) + "/", "")
    tmp = re.escape(tempfile.gettempdir().rstrip("/"))
    text = re.sub(tmp + r"/[^\s:,;]*/([^/\s:,;]+)", r"\1", text)  # any other temporary path
    text = re.sub(r"\b(?:OpenCV|FFmpeg|cv2) can\b", "this app can", text)
    text = re.sub(r"\s*\((?:[^()]*\b(?:OpenCV|FFmpeg|cv2)\b[^()]*)\)", "", text)
    text = re.sub(r"\b(?:OpenCV|FFmpeg|cv2)\b:?\s*", "", text)
    text = re.sub(r"\s{2,}", " ", text).strip(" :;,")
    return text or "the file could not be read"
