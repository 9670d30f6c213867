"""Spoken cues (pure function): a cue on a change of state only, with a minimum gap."""

from __future__ import annotations

import itertools
import math

import pytest

from posture_check.live.cues import CUE_TEXT, CueState, LiveCues, next_cues
from posture_check.stretch import LiveFeedback


def fb(t, phase="rest", rem=0.0, fault=None, reps=0):
    return LiveFeedback(t_s=t, phase=phase, hold_s=0.0, rep_count=reps, message="",
                        fault=fault, angle_deg=0.0, speed_deg_s=0.0, remaining_s=rem)


def hold(t0, target, dt=0.5, **kw):
    """Frames of a hold of ``target`` seconds (+1 s past it) starting at t0."""
    n = int((target + 1.0) / dt) + 1
    return [fb(t0 + k * dt, "holding", max(0.0, target - k * dt), **kw) for k in range(n)]


def run(frames, sided=False, gap=2.5):
    state, out = CueState(), []
    for f in frames:
        state, cues = next_cues(state, f, sided=sided, min_gap_s=gap)
        out += [(c.kind, c.t_s) for c in cues]
    return out


GOOD = [fb(0, "rest"), fb(1, "moving_in"), *hold(5, 30), fb(37, "moving_out"), fb(40, "rest")]


@pytest.mark.parametrize(("frames", "sided", "expected"), [
    (GOOD, False, [("hold", 5), ("ten_more", 25.0), ("release", 35.0)]),
    # "switch sides" 2 s after "release": waits for the 2.5 s gap
    (GOOD, True, [("hold", 5), ("ten_more", 25.0), ("release", 35.0), ("switch_sides", 40)]),
    # a 10 s target: no "ten seconds more"
    ([fb(0), *hold(2, 10), fb(14, "rest")], False, [("hold", 2), ("release", 12.0)]),
    # left before the target: no release, no switch
    ([fb(0), *hold(2, 30)[:10], fb(8, "moving_out")], True, [("hold", 2)]),
    # bouncing appears (latched over frames): said once; the hold cue came first
    ([fb(0), fb(1, "holding", 29), fb(5, "holding", 25, "bouncing"),
      fb(5.5, "holding", 24.5, "bouncing"), fb(6, "holding", 24, "bouncing")], False,
     [("hold", 1), ("stop_bouncing", 5)]),
    # too fast on the way in, then the hold 1 s later: within the gap, dropped
    ([fb(0), fb(1, "moving_in", fault="too_fast"), fb(2, "holding", 28, "too_fast"),
      fb(2.5, "holding", 27.5), fb(4, "holding", 26)], False, [("slower", 1)]),
    # both due in one frame: the fault first
    ([fb(0), fb(1, "holding", 28, "bouncing"), fb(2, "holding", 27)], False,
     [("stop_bouncing", 1)]),
    # bouncing 0.3 s after "hold": said once the gap has passed, while still bouncing
    ([fb(0), fb(1, "holding", 29), *[fb(1.3 + k * 0.5, "holding", 28, "bouncing")
                                     for k in range(8)]], False,
     [("hold", 1), ("stop_bouncing", 3.8)]),
    # ... but not when the bouncing stopped meanwhile
    ([fb(0), fb(1, "holding", 29), fb(1.3, "holding", 28, "bouncing"),
      *[fb(2 + k * 0.5, "holding", 27) for k in range(8)]], False, [("hold", 1)]),
    # nothing changes: nothing said
    ([fb(t, "rest") for t in range(20)], False, []),
    ([None, None], False, []),
])
def test_cues_from_state_changes(frames, sided, expected):
    got = run(frames, sided)
    assert [k for k, _ in got] == [k for k, _ in expected]
    assert [t for _, t in got] == pytest.approx([t for _, t in expected])


def test_a_second_hold_repeats_its_cues_and_cues_are_numbered():
    cues = LiveCues(sided=True)
    frames = [*GOOD, *[fb(f.t_s + 45, f.phase, f.remaining_s) for f in GOOD]]
    said = [c for f in frames for c in cues.update(f)]
    assert [c.kind for c in said] == ["hold", "ten_more", "release", "switch_sides"] * 2
    assert [c.seq for c in said] == list(range(1, 9))
    assert all(c.text == CUE_TEXT[c.kind] for c in said)
    gaps = [b.t_s - a.t_s for a, b in itertools.pairwise(said)]
    assert min(gaps) >= 2.5
    assert list(cues.history) == said


def test_outside_event_respects_the_gap():
    cues = LiveCues()
    assert cues.say(10.0, "switch_sides").seq == 1
    assert cues.say(11.0, "done") is None  # waits for the gap
    assert cues.update(None, 12.0) == ()
    (late,) = cues.update(None, 12.6)
    assert (late.kind, late.t_s, late.seq) == ("done", 12.6, 2)
    assert cues.update(None, 20.0) == ()  # said once
    assert cues.say(23.0, "hold").text == "Hold"
    assert math.isinf(CueState().last_t)
