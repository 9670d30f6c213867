"""The guided routine on the live page (Streamlit; thin over :mod:`posture_check.stretch.routine`):
the choice of stretches, the step being done or the rest, and the side-by-side summary."""

from __future__ import annotations

import streamlit as st

from posture_check.stretch.catalogue import CATALOGUE, stretch_title
from posture_check.stretch.routine import REST_S, ROUTINE_ORDER, compare_sides

__all__ = ["choose_routine", "render_routine", "summary_markdown"]


def choose_routine(container) -> tuple[tuple[str, ...], float]:
    """The stretches (documents' order) and the rest between steps (s)."""
    chosen = container.multiselect(
        "Stretches (done in the documents' order: hip flexors first, then glute and "
        "piriformis)", list(ROUTINE_ORDER), default=["hip_flexor_opener", "standing_figure_four"],
        format_func=stretch_title, key="routine-stretches")
    rest = container.number_input("Rest between stretches (s)", 0, 120, int(REST_S), step=5,
                                  key="routine-rest")
    order = tuple(n for n in ROUTINE_ORDER if n in chosen) or ("hip_flexor_opener",)
    return order, float(rest)


def summary_markdown(results) -> str:
    """The side-by-side table(s) in Markdown."""
    parts = []
    for cmp in compare_sides(results):
        rows = "\n".join(f"| {what} | {left} | {right} |" for what, left, right in cmp.rows())
        parts.append(f"**{stretch_title(cmp.stretch)}: left and right**\n\n"
                     f"| | left | right |\n|---|---|---|\n{rows}")
    for r in results:
        if r.step.side == "both":
            hold = f"{r.hold_s:.0f} s" if r.done else "not done"
            parts.append(f"**{stretch_title(r.step.stretch)}**: hold {hold}, "
                         f"bounces {r.bounces if r.done else '—'}")
    return "\n\n".join(parts)


def render_routine(snap) -> None:
    """Where the routine is: the step and side, the rest countdown, or the summary."""
    state = snap.routine
    if state is None:
        return
    n = len(state.steps)
    if state.phase == "done":
        st.markdown("### Routine done: left and right side by side")
        st.markdown(summary_markdown(state.results))
        return
    step = state.current
    if state.phase == "rest":
        nxt = state.next_step
        st.markdown(f"**Rest {state.rest_left_s:.0f} s** · next: "
                    f"{nxt.title if nxt else 'the end'}")
    elif step is not None:
        st.markdown(f"**Step {state.index + 1} of {n}: {step.title}** · hold "
                    f"{step.target_hold_s:.0f} s")
        st.caption(CATALOGUE[step.stretch].instructions)  # e.g. "back foot pointing straight"
    done = ", ".join(f"{r.step.title} ({'done' if r.done else 'not done'})"
                     for r in state.results)
    if done:
        st.caption(f"Done so far: {done}")
