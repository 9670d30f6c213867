"""The English sentences of findings: what a person reads for each reading of a measure.

Kept apart from :mod:`posture_check.measures.indicators`, which decides severities, so the
wording can be read (and, one day, translated) in one place. Every function is pure: numbers
in, one sentence out. Units: degrees are written out ("degrees"), other units as given;
sides are the subject's own left/right.
"""

from __future__ import annotations

import math

from posture_check.presentation import (
    REASON_TEXT,
    doc_title,
    measure_label,
    value_text,
)

__all__ = [
    "baseline_change_note",
    "baseline_only_message",
    "finding_message",
    "first_baseline_message",
    "heuristic_note",
    "hint_sentence",
    "knee_note",
    "lean_pain_note",
    "not_measured_message",
    "ok_message",
    "shift_note",
]

LEAN_DOC = "000"  # the document that describes leaning away from the painful side


def _unit_word(unit: str) -> str:
    return "degrees" if unit == "deg" else unit


def _likely(ci: tuple[float, float], unit: str) -> str:
    """" (likely 4 to 8)" for a finite interval, in the measure's unit."""
    if not (math.isfinite(ci[0]) and math.isfinite(ci[1])):
        return ""
    return f" (likely {ci[0]:+.0f} to {ci[1]:+.0f} {_unit_word(unit)})"


def _magnitude(x: float, unit: str) -> str:
    return f"{abs(x):.1f} {_unit_word(unit)}"


def _capital(s: str) -> str:
    return s[0].upper() + s[1:]


def hint_sentence(hint_template: str, source_doc: str) -> str:
    """An indicator's hint with its document named, capitalised."""
    return _capital(hint_template.format(doc=doc_title(source_doc)))


def not_measured_message(measure: str, n_valid: int, why: str, views: str, hint: str) -> str:
    """A measure the recording could not give: how many frames, the main reason, what helps."""
    return (f"{measure_label(measure)}: not measured (only {n_valid} usable frames; "
            f"main reason: {REASON_TEXT.get(why, why.replace('_', ' '))}). It needs you "
            f"{views}, whole body in view, for at least a few seconds: {hint}.")


def first_baseline_message(median: float) -> str:
    """The side-view proxy with no baseline yet: it means something only against one."""
    return (f"Side-view trunk-thigh angle recorded ({median:.1f} degrees). It is only "
            "meaningful compared with your own earlier recording in the same stance: "
            "save this one as your baseline.")


def baseline_only_message(what: str, change: float, unit: str, hint: str, watch: float,
                          reported: bool) -> str:
    """The side-view proxy against the person's baseline (``what`` has a ``{changed}`` slot)."""
    if not reported:
        return (f"Side-view trunk-thigh angle is within {watch:.0f} degrees of your baseline "
                f"(change {change:+.1f}).")
    changed = ("increased (toward a more arched lower back / forward-tipped pelvis)"
               if change > 0 else "decreased (toward a flatter lower back / tucked pelvis)")
    head = what.format(changed=changed) + f" by {_magnitude(change, unit)} since your baseline"
    return (f"{_capital(head)}. {hint}. "
            "This is a rough side-view proxy, not a measurement of your spine.")


def ok_message(measure: str, median: float, ci: tuple[float, float], unit: str, watch: float,
               beyond: bool, withheld: bool, frac: float, sustained: float) -> str:
    """A reading that is not a finding: in the usual range, too uncertain, or not sustained."""
    name = measure_label(measure)
    shown = value_text(measure, median) + _likely(ci, unit)
    if not beyond:
        return f"{name}: {shown}, within the usual range (below {watch:g})."
    if withheld:
        return (f"{name}: {shown}, past the {watch:g} limit, but too uncertain to tell from "
                "no difference at all (the 90% interval includes zero), so it is not reported "
                "as a finding. A level camera (or its tilt typed in), facing it squarely and "
                "good light narrow it: check again.")
    return (f"{name}: {shown}, past the {watch:g} limit but only in {frac:.0%} of the "
            f"usable frames (a finding needs {sustained:.0%}): it comes and goes, "
            "so it is not reported as a finding.")


def finding_message(what: str, median: float, ci: tuple[float, float], unit: str, frac: float,
                    hint: str) -> str:
    """A watch or flag: what is seen (``what`` already names the side), how much, what to do."""
    return (f"{_capital(what)} by about {_magnitude(median, unit)}{_likely(ci, unit)} "
            f"in {frac:.0%} of the usable frames. {hint}.")


def shift_note(cm: float, side: str | None) -> str:
    """Where the shoulders sit over the pelvis, in cm, for a lean."""
    return f" Your shoulders sit about {abs(cm):.1f} cm to the {side} of your pelvis."


def lean_pain_note(pain_side: str, away: bool) -> str:
    """A lean read against the side the person said hurts (doc 000: usually away from it)."""
    doc = doc_title(LEAN_DOC)
    if away:
        return (f" You said the pain is on your {pain_side}: leaning away from it is the "
                f"common pattern {doc} describes.")
    return (f" You said the pain is on your {pain_side}: {doc} says the lean is mostly away "
            "from the painful side, so leaning toward it is less usual and worth mentioning "
            "to a clinician.")


def knee_note(low: str, knee_difference_deg: float) -> str:
    """A bent knee that lowers its hip by itself, under a hip-height finding."""
    return (f" Your {low} knee is bent about {abs(knee_difference_deg):.0f} degrees more, which "
            "lowers that hip by itself: stand with both knees straight and check again.")


def heuristic_note() -> str:
    return " (Threshold is a rule of thumb, not a clinical cut-off.)"


def baseline_change_note(change: float, unit: str) -> str:
    return f" Change since your baseline: {change:+.1f} {_unit_word(unit)}."
