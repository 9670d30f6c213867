"""Spoken cues for the live stretch check: a few words on a change of state, never a stream.

During a hamstring hinge or a figure-four the person is not looking at the screen, so the page
speaks (the browser's speech synthesis, :mod:`posture_check.ui.cue_panel`). What is said comes from
:func:`next_cues`, a pure function of the previous :class:`CueState` and the checker's latest
:class:`posture_check.stretch.LiveFeedback`:

* ``hold``: the phase became "holding";
* ``ten_more``: while holding, the time still to hold reached 10 s (once per hold; only when the
  target is longer than 10 s);
* ``release``: the target hold was reached ("that's it, release slowly");
* ``slower``: the "too fast" fault appeared; ``stop_bouncing``: the "bouncing" fault appeared;
* ``switch_sides``: a one-side-at-a-time stretch finished a repetition held to its target (the
  guided routine says it too, when it moves to the other side).

Only changes make cues, and two cues are at least ``min_gap_s`` (:data:`MIN_GAP_S`) apart: of
the cues due in a frame the most important is said (:data:`CUE_PRIORITY`); one due within the
gap of the last spoken one is dropped (its state change is consumed, so "hold" is never said
late), except the fault cues and "switch sides", which wait for the gap while still true.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, replace

__all__ = ["CUE_PRIORITY", "CUE_TEXT", "MIN_GAP_S", "Cue", "CueState", "LiveCues", "next_cues"]

#: Cue kind -> the words spoken (and listed on the page).
CUE_TEXT: dict[str, str] = {
    "stop_bouncing": "Stop bouncing",
    "slower": "Slower",
    "hold": "Hold",
    "ten_more": "Ten seconds more",
    "release": "That's it, release slowly",
    "switch_sides": "Switch sides",
    "next_stretch": "Rest, then the next stretch",
    "done": "Routine done, well done",
}
#: Most important first.
CUE_PRIORITY: tuple[str, ...] = ("stop_bouncing", "slower", "switch_sides", "next_stretch",
                                 "done", "release", "hold", "ten_more")
MIN_GAP_S = 2.5
_FAULT_OF = {"stop_bouncing": "bouncing", "slower": "too_fast"}
# said late rather than never
_WAITS = ("stop_bouncing", "slower", "switch_sides", "next_stretch", "done")
TEN_MORE_S = 10.0


@dataclass(frozen=True)
class Cue:
    """One thing said: ``seq`` (1, 2, ... per session), time ``t_s`` (s, camera clock),
    ``kind`` (:data:`CUE_TEXT`) and the ``text``."""

    seq: int
    t_s: float
    kind: str
    text: str


@dataclass(frozen=True)
class CueState:
    """What the last frame looked like, for :func:`next_cues`."""

    phase: str = "rest"
    fault: str | None = None
    remaining_s: float = math.nan
    rep_count: int = 0
    ten_said: bool = False
    release_said: bool = False
    last_t: float = -math.inf
    seq: int = 0
    pending: str | None = None


def next_cues(state: CueState, fb, *, sided: bool = False, min_gap_s: float = MIN_GAP_S
              ) -> tuple[CueState, tuple[Cue, ...]]:
    """(new state, cues to say now) from the previous state and this frame's feedback ``fb``
    (a :class:`posture_check.stretch.LiveFeedback` or None; then nothing is said).
    ``sided``: the stretch is done one side at a time."""
    if fb is None:
        return state, ()
    due: list[str] = []
    holding = fb.phase == "holding"
    was_holding = state.phase == "holding"
    new_hold = holding and not was_holding
    rem = float(fb.remaining_s) if holding else math.nan
    prev = state.remaining_s if was_holding and not new_hold else math.nan
    ten_said = state.ten_said and not new_hold
    reached = state.release_said and not new_hold
    if fb.fault != state.fault and fb.fault in ("bouncing", "too_fast"):
        due.append("stop_bouncing" if fb.fault == "bouncing" else "slower")
    if new_hold:
        due.append("hold")
    if holding and not ten_said and 0 < rem <= TEN_MORE_S and prev > TEN_MORE_S:
        due.append("ten_more")
        ten_said = True
    if holding and not reached and rem <= 0 and prev > 0:
        due.append("release")
        reached = True
    if was_holding and not holding and sided and state.release_said:
        due.append("switch_sides")  # the hold ended after reaching its target
    new = replace(state, phase=fb.phase, fault=fb.fault, remaining_s=rem,
                  rep_count=fb.rep_count, ten_said=ten_said and holding,
                  release_said=reached and holding)
    pending = state.pending
    if pending in _FAULT_OF and fb.fault != _FAULT_OF[pending]:
        pending = None  # the fault is gone: nothing to say any more
    if pending == "switch_sides" and new_hold:
        pending = None  # already stretching again
    if pending and pending not in due:
        due.append(pending)
    if not due:
        return replace(new, pending=None), ()
    due.sort(key=CUE_PRIORITY.index)
    t = float(fb.t_s)
    waiting = [k for k in due if k in _WAITS]
    if t - state.last_t < min_gap_s:  # too soon: dropped, but faults and "switch sides" wait
        return replace(new, pending=waiting[0] if waiting else None), ()
    kind = due[0]
    cue = Cue(state.seq + 1, t, kind, CUE_TEXT[kind])
    rest = [k for k in waiting if k != kind]
    return replace(new, last_t=t, seq=cue.seq, pending=rest[0] if rest else None), (cue,)


class LiveCues:
    """The cue state of one live session and its last ``keep`` cues (not thread-safe)."""

    def __init__(self, sided: bool = False, keep: int = 30,
                 min_gap_s: float = MIN_GAP_S) -> None:
        self.sided, self.min_gap_s = sided, min_gap_s
        self.state = CueState()
        self.history: deque[Cue] = deque(maxlen=keep)

    def update(self, fb, t_s: float | None = None) -> tuple[Cue, ...]:
        """This frame's feedback (None: no stretch checked now, e.g. a routine's rest; a
        waiting cue is then said at ``t_s`` once the gap has passed)."""
        if fb is None:
            pending = self.state.pending
            if pending and t_s is not None and t_s - self.state.last_t >= self.min_gap_s:
                self.state = replace(self.state, pending=None)
                return (self._add(t_s, pending),)
            return ()
        self.state, cues = next_cues(self.state, fb, sided=self.sided, min_gap_s=self.min_gap_s)
        self.history.extend(cues)
        return cues

    def _add(self, t_s: float, kind: str) -> Cue:
        cue = Cue(self.state.seq + 1, t_s, kind, CUE_TEXT[kind])
        self.state = replace(self.state, last_t=t_s, seq=cue.seq)
        self.history.append(cue)
        return cue

    def say(self, t_s: float, kind: str) -> Cue | None:
        """An outside event (the guided routine's "switch sides"), with the same gap rule:
        too soon after the last cue it waits (said by a later :meth:`update`)."""
        if t_s - self.state.last_t < self.min_gap_s:
            self.state = replace(self.state, pending=kind)
            return None
        return self._add(t_s, kind)
