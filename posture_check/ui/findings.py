"""Findings on a page (Streamlit): the safety notice with the red flags, and the findings list,
most serious first, the "not measured" ones folded below."""

from __future__ import annotations

import streamlit as st

from posture_check.measures import NOT_A_DIAGNOSIS, RED_FLAGS, RED_FLAGS_HEADING
from posture_check.presentation import (
    SEVERITY_COLORS,
    SEVERITY_LABELS,
    SEVERITY_ORDER,
    doc_title,
    measure_label,
    severity_label,
)

__all__ = ["finding_line", "safety_notice", "show_findings"]

#: Coloured words, not emoji (:data:`posture_check.presentation.SEVERITY_COLORS`).
SEVERITY_STYLE = {sev: c.app for sev, c in SEVERITY_COLORS.items()}


def safety_notice() -> None:
    """The 'not a diagnosis' notice and the red flags: on every page that shows findings."""
    st.info(NOT_A_DIAGNOSIS, icon="ℹ️")
    with st.expander("Red flags: see a clinician now", expanded=False):
        st.markdown(RED_FLAGS_HEADING)
        st.markdown("\n".join(f"- {f.text} ({doc_title(f.reference)})" for f in RED_FLAGS))


def finding_line(f) -> str:
    """One finding as a Markdown line: its severity word in its colour, then its message."""
    word = severity_label(f)
    color = {SEVERITY_LABELS["borderline"]: "blue", SEVERITY_LABELS["uncertain"]: "gray"}.get(
        word, SEVERITY_STYLE.get(f.severity, "gray"))
    return f":{color}[**{word}**]: {f.message}"


def show_findings(findings, warnings=(), fold_not_measured: bool = True) -> None:
    """Measured findings first (most serious first); the "not measured" ones folded below."""
    ranked = sorted(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 9))
    measured = [f for f in ranked if f.severity != "not_measured"]
    missing = [f for f in ranked if f.severity == "not_measured"]
    for f in measured:
        st.markdown(finding_line(f))
    if missing and fold_not_measured:
        names = ", ".join(measure_label(f.measure).lower() for f in missing)
        with st.expander(f"Not measured in this view ({len(missing)}): {names}"):
            for f in missing:
                st.markdown(finding_line(f))
    for w in warnings:
        st.warning(getattr(w, "message", str(w)))
