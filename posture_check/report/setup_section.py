"""The set-up check in the reports' quality section (JSON ``setup_check``, HTML, PDF).

For a recording: the checklist of :func:`posture_check.analysis.setup_check.recording_setup` over
its
first 3 seconds with the person (light and contrast from the first key frame; the camera roll
from the room's lines or as given, else the body's vertical; "square" judged against a side
view when the recording is mostly a side view) and when the set-up first held for 1.5 s.
"""

from __future__ import annotations

from posture_check.analysis.setup_check import checklist_lines, frame_light, recording_setup

__all__ = ["SETUP_FIRST_S", "setup_lines", "setup_report"]

SETUP_FIRST_S = 3.0


def setup_report(result) -> dict:
    """JSON-ready set-up check of an :class:`posture_check.analysis.results.AnalysisResult`."""
    light = frame_light(result.key_frames[0].image) if result.key_frames else None
    meta = result.measures.meta
    source = meta.get("roll_source")
    roll = meta.get("roll_deg") if source in ("scene", "given") else None
    target = "side" if result.main_view in ("left_side", "right_side") else "front"
    rep = recording_setup(result.series, first_s=SETUP_FIRST_S, target=target,
                          roll_deg=None if roll is None else float(roll),
                          roll_from_scene=roll is not None, light=light)
    return {**rep, "target_view": target, "roll_source": source if roll is not None else "body"}


def setup_lines(rep: dict) -> tuple[str, list[str]]:
    """(heading, lines) of the set-up check for the HTML and PDF reports."""
    ready = rep.get("ready_at_s")
    when = (f"the set-up held from {ready:.1f} s" if ready is not None
            else "the set-up never held for 1.5 s")
    heading = f"Camera set-up (first {rep['first_s']:.0f} s; {when})"
    return heading, checklist_lines(rep["items"])
