"""Measure cards on the result page (Streamlit; thin over :mod:`posture_check.presentation`
and :mod:`posture_check.ui.measure_pictures`): for each measured finding its label, the value with
its 90% interval, what usual looks like and a small picture of what is measured."""

from __future__ import annotations

import html

import streamlit as st

from posture_check.presentation import (
    interval_text,
    measure_label,
    normal_text,
    severity_label,
    value_text,
)
from posture_check.ui.measure_pictures import measure_svg, svg_data_uri

__all__ = ["card_html", "render_cards"]


def card_html(f) -> str:
    """One card (a :class:`posture_check.measures.Finding`) as HTML."""
    svg = measure_svg(f.measure)
    img = (f"<img src='{svg_data_uri(svg)}' alt='what is measured: "
           f"{html.escape(measure_label(f.measure))}' width='96' style='float:left;"
           f"margin-right:0.6rem'/>" if svg else "")
    watch = f.thresholds[0] if f.thresholds else float("nan")
    parts = [f"<b>{html.escape(measure_label(f.measure))}</b>: "
             f"{html.escape(value_text(f.measure, f.value))} "
             f"<i>({html.escape(severity_label(f))})</i>"]
    interval = interval_text(f.measure, f.ci90)
    if interval:
        parts.append(html.escape(interval) + " (90%)")
    parts.append(html.escape(normal_text(f.measure, watch, f.heuristic)))
    return (f"<div class='measure-card' data-measure='{html.escape(f.measure)}' "
            "style='border:1px solid #e0e0e0;border-radius:8px;padding:0.5rem;"
            "margin:0.3rem 0;overflow:hidden;min-height:110px'>"
            f"{img}{'<br>'.join(parts)}</div>")


def render_cards(findings, columns: int = 2) -> None:
    """The measured findings as cards, ``columns`` per row."""
    measured = [f for f in findings if f.severity != "not_measured"]
    if not measured:
        return
    st.markdown("**What was measured**")
    cols = st.columns(columns)
    for i, f in enumerate(measured):
        cols[i % columns].markdown(card_html(f), unsafe_allow_html=True)
