"""The set-up checklist on the live page (Streamlit; thin over :mod:`posture_check.live.setup`).

Each item is a line that turns green when it holds, red with its fix when not; a status line
says how many hold and whether measuring has started (``Set-up: 4 of 6 ready``,
``Set-up: 6 of 6 ready · measuring``).
"""

from __future__ import annotations

import streamlit as st

from posture_check.analysis.setup_check import ITEM_LABELS, ITEMS

__all__ = ["render_recording_setup", "render_setup", "status_text"]


def status_text(snap) -> str:
    """The checklist's status line for a :class:`posture_check.live.engine.LiveSnapshot`."""
    setup = snap.setup
    if setup is None:
        return "Set-up: waiting for the camera"
    n = sum(i.ok for i in setup.check.items)
    tail = ""
    if snap.measuring:
        tail = " · measuring"
    elif setup.check.all_ok:
        tail = " · hold still..."
    return f"Set-up: {n} of {len(ITEMS)} ready{tail}"


def render_setup(snap, compact: bool = False) -> None:
    """The checklist; ``compact`` (once measuring) shows only the status and any failing item.

    In a stretch the checklist is shown only at rest (standing between stretches): bent into a
    hinge or a figure-four, the body's height and vertical say nothing about the camera."""
    setup = snap.setup
    if snap.stretch is not None and snap.stretch.phase != "rest":
        return
    st.markdown(f"**{status_text(snap)}**")
    if setup is None:
        return
    if not snap.measuring and setup.check.all_ok:
        st.progress(setup.progress, text="All set: hold still")
    lines = []
    for item in setup.check.items:
        label = ITEM_LABELS[item.name]
        if item.ok:
            if not compact:
                lines.append(f"- :green[**✓ {label}**]")
        else:
            fix = f": {item.fix}" if item.fix else ""
            lines.append(f"- :red[**✗ {label}**]{fix}")
    if lines:
        st.markdown("\n".join(lines))


def render_recording_setup(result) -> None:
    """The set-up check of a recording's first seconds (the reports' quality section), folded."""
    from posture_check.report.setup_section import setup_lines, setup_report

    rep = setup_report(result)
    heading, _ = setup_lines(rep)
    n = sum(1 for d in rep["items"] if d["ok"])
    with st.expander(f"{heading}: {n} of {len(rep['items'])} ready", expanded=not rep["all_ok"]):
        st.markdown("\n".join(
            f"- :green[**✓ {d['label']}**]" if d["ok"] else
            f"- :red[**✗ {d['label']}**]" + (f": {d['fix']}" if d["fix"] else "")
            for d in rep["items"]))
