"""The live stretch check's timer and spoken cues on the page (Streamlit; thin over
:mod:`posture_check.live.cues`).

* A large high-contrast timer (white on black, ~4.5 rem) with the same words as the overlay
  (:func:`posture_check.presentation.hold_text`).
* The cues said so far, as a visible line (``Cues: 6.6 s Hold · 9.1 s Stop bouncing``) and as
  an ``<ol id="cue-events">`` whose items carry ``data-seq``, ``data-t`` and ``data-kind``, for a
  person reading along and for the browser test.
* Speech: a small HTML/JS component calls the browser's ``speechSynthesis`` for each cue not yet
  spoken (remembered in the page's ``localStorage`` under :data:`SPOKEN_KEY`, with the time it
  was handed to the speech engine), only for cues of the last :data:`FRESH_S` seconds, never
  when muted. Nothing leaves the browser: speech synthesis is the browser's own.
"""

from __future__ import annotations

import html
import json

import streamlit as st
import streamlit.components.v1 as components

from posture_check.presentation import hold_text

__all__ = ["FRESH_S", "SPOKEN_KEY", "cue_line", "cue_list_html", "render_timer_and_cues",
           "speech_html", "timer_html"]

SPOKEN_KEY = "posture-check-spoken-cues"
FRESH_S = 6.0


def cue_line(cues) -> str:
    """``"Cues: 6.6 s Hold · 9.1 s Stop bouncing"`` (last five)."""
    if not cues:
        return "Cues: none yet"
    return "Cues: " + " · ".join(f"{c.t_s:.1f} s {c.text}" for c in list(cues)[-5:])


def cue_list_html(cues) -> str:
    items = "".join(f"<li data-seq='{c.seq}' data-t='{c.t_s:.2f}' data-kind='{c.kind}'>"
                    f"{html.escape(c.text)}</li>" for c in cues)
    return f"<ol id='cue-events' style='display:none'>{items}</ol>"


def timer_html(phase: str, held_s: float, target_s: float | None) -> str:
    """The big timer: phase and ``hold_text`` in white on black."""
    words = html.escape(hold_text(held_s, target_s) or "0 s")
    ph = html.escape(phase.replace("_", " "))
    color = "#7CFC00" if phase == "holding" else "#FFFFFF"
    return ("<div id='hold-timer' style='background:#000;color:#fff;border-radius:10px;"
            "padding:0.4rem 1rem;margin:0.3rem 0 0.6rem 0;text-align:center'>"
            f"<div style='font-size:1.4rem;color:{color};font-weight:700'>{ph}</div>"
            f"<div style='font-size:4.5rem;font-weight:800;line-height:1.1'>{words}</div>"
            "</div>")


def speech_html(cues, now_s: float, muted: bool) -> str:
    """The speech component: speaks fresh, not yet spoken cues (see module docstring)."""
    fresh = [{"id": f"{c.seq}@{c.t_s:.2f}", "text": c.text} for c in cues
             if now_s - c.t_s <= FRESH_S]
    data = json.dumps({"cues": fresh, "muted": bool(muted), "key": SPOKEN_KEY})
    return """<script>
(function() {
  const d = %s;
  let store;
  try { store = window.parent.localStorage; } catch (e) { store = window.localStorage; }
  let spoken = [];
  try { spoken = JSON.parse(store.getItem(d.key) || "[]"); } catch (e) { spoken = []; }
  const done = new Set(spoken.map(s => s.id));
  for (const c of d.cues) {
    if (done.has(c.id)) continue;
    const entry = {id: c.id, text: c.text, muted: d.muted, at: Date.now()};
    if (!d.muted && "speechSynthesis" in window) {
      const u = new SpeechSynthesisUtterance(c.text);
      u.rate = 0.95;
      window.speechSynthesis.speak(u);
      entry.spoken = true;
    }
    spoken.push(entry);
  }
  store.setItem(d.key, JSON.stringify(spoken.slice(-50)));
})();
</script>""" % data  # noqa: UP031 (a JS template: braces everywhere)


def render_timer_and_cues(snap, muted: bool) -> None:
    """Big timer, the cue line and list, and the speech component, for a stretch snapshot."""
    fb = snap.stretch
    if fb is None and not snap.cues:
        return
    from posture_check.stretch import CATALOGUE

    if fb is not None:  # the timer while a stretch is checked (not in a routine's rest)
        step = snap.routine.current if snap.routine is not None else None
        target = (step.target_hold_s if step is not None else
                  CATALOGUE[snap.config.stretch].min_hold_s if snap.config.stretch else None)
        st.markdown(timer_html(fb.phase, fb.hold_s, target), unsafe_allow_html=True)
    st.caption(cue_line(snap.cues) + (" (muted)" if muted else ""))
    st.markdown(cue_list_html(snap.cues), unsafe_allow_html=True)
    components.html(speech_html(snap.cues, snap.t_s, muted), height=0)
