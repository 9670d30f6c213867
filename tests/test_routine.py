"""The guided routine (pure state machine): the documents' order, sides in turn, rest between,
per-step results and the side-by-side comparison."""

from __future__ import annotations

import math

import pytest

from posture_check.stretch import LiveFeedback
from posture_check.stretch.routine import Routine, compare_sides, plan_routine


@pytest.mark.parametrize(("chosen", "pain", "expected"), [
    (["standing_figure_four", "hip_flexor_opener"], "left",
     [("hip_flexor_opener", "right"), ("hip_flexor_opener", "left"),
      ("standing_figure_four", "right"), ("standing_figure_four", "left")]),
    (["standing_hamstring", "hip_flexor_opener"], "right",
     [("hip_flexor_opener", "left"), ("hip_flexor_opener", "right"),
      ("standing_hamstring", "both")]),
    (["seated_figure_four"], None, [("seated_figure_four", "left"),
                                    ("seated_figure_four", "right")]),
    (["standing_hamstring"], "left", [("standing_hamstring", "both")]),
])
def test_plan_follows_the_documents_order_and_the_comfortable_side_first(chosen, pain,
                                                                          expected):
    steps = plan_routine(chosen, pain)
    assert [(s.stretch, s.side) for s in steps] == expected
    holds = {"hip_flexor_opener": 20, "standing_figure_four": 30, "seated_figure_four": 30,
             "standing_hamstring": 20}
    assert all(s.target_hold_s == holds[s.stretch] for s in steps)


@pytest.mark.parametrize(("chosen", "pain"), [([], None), (["yoga"], None),
                                              (["standing_hamstring"], "middle")])
def test_plan_refuses_bad_choices(chosen, pain):
    with pytest.raises(ValueError):
        plan_routine(chosen, pain)


def fb(t, phase, reps=0, hold=0.0, angle=0.0, speed=0.0, fault=None):
    return LiveFeedback(t_s=t, phase=phase, hold_s=hold, rep_count=reps, message="",
                        fault=fault, angle_deg=angle, speed_deg_s=speed, remaining_s=0.0)


def one_stretch(t0, hold=22.0, depth=25.0, speed=20.0, bounce=False):
    """Feedback of one repetition starting at t0 (rest, in, hold, out, rest)."""
    out = [fb(t0, "rest"), fb(t0 + 1, "moving_in", speed=speed),
           fb(t0 + 3, "moving_in", speed=speed / 2)]
    for k in range(int(hold)):
        # the hip-flexor opener deepens with a more negative hip angle (direction -1)
        out.append(fb(t0 + 4 + k, "holding", 1, float(k), -(depth - (k % 2)),
                      fault="bouncing" if bounce and k in (5, 6, 12) else None))
    out += [fb(t0 + 4 + hold, "moving_out", 1, hold, speed=speed * 0.8),
            fb(t0 + 6 + hold, "rest", 1, hold)]
    return out


def test_routine_runs_both_sides_with_rest_and_compares_them():
    steps = plan_routine(["hip_flexor_opener"], "left")  # right first, then left
    r = Routine(steps, rest_s=5.0)
    events = []
    for f in one_stretch(0.0, hold=22, depth=25, speed=20):
        events.append(r.update(f.t_s, f).event)
    assert r.state.phase == "rest" and "switch_sides" in events
    t = 29.0
    while r.state.phase == "rest":  # the rest: no checker
        r.update(t, None)
        t += 1.0
    assert r.state.phase == "stretch" and r.state.current.side == "left"
    assert 33 <= t <= 36
    for f in one_stretch(t, hold=18, depth=31, speed=70, bounce=True):
        r.update(f.t_s, f)
    assert r.state.phase == "done"
    right, left = r.state.results
    assert (right.step.side, left.step.side) == ("right", "left")
    assert right.done and right.hold_s == 22 and right.depth_deg == 25 and right.bounces == 0
    assert right.hold_ok and right.smooth
    assert left.hold_s == 18 and not left.hold_ok and left.depth_deg == 31
    assert left.peak_speed_deg_s == 70 and not left.smooth and left.bounces == 2
    (cmp,) = compare_sides(r.state.results)
    rows = dict((k.split(" (")[0], (a, b)) for k, a, b in cmp.rows())
    assert rows["Hold"] == ("18 s", "22 s")
    assert rows["Depth"] == ("31°", "25°")
    assert rows["Smoothness: peak speed"] == ("70°/s", "20°/s")
    assert rows["Bounces"] == ("2", "0")


def test_a_step_without_a_hold_times_out_and_skip_moves_on():
    r = Routine(plan_routine(["standing_hamstring", "hip_flexor_opener"], None), rest_s=0.0,
                step_timeout_s=10.0)
    for t in range(12):
        r.update(float(t), fb(float(t), "rest"))
    assert len(r.state.results) == 1 and r.state.results[0].done is False
    assert r.state.results[0].step.side == "left" and r.state.results[0].t_end_s == 11.0
    assert r.state.phase == "rest" and r.state.event == "switch_sides"
    r.update(12.0, None)
    assert r.state.index == 1
    r.skip(13.0)
    r.update(13.0, None)
    r.skip(14.0)
    assert r.state.phase == "done" and [x.done for x in r.state.results] == [False] * 3
    assert compare_sides(r.state.results)[0].rows()[0][1:] == ("not done", "not done")
    assert math.isnan(r.state.results[0].depth_deg)


@pytest.mark.parametrize(("hold_before_fault", "done_at"), [(21.0, 25.0), (10.0, None)])
def test_not_reached_after_a_full_hold_ends_the_step(hold_before_fault, done_at):
    """Back in a split stance the checker keeps "holding" at a lower level with "not reached":
    after a full hold that ends the step; before it, it does not."""
    r = Routine(plan_routine(["standing_hamstring"]), rest_s=0.0)
    r.update(0.0, fb(0.0, "rest"))
    r.update(1.0, fb(1.0, "moving_in", speed=20))
    t = 4.0
    while t - 4.0 < hold_before_fault:
        r.update(t, fb(t, "holding", 1, t - 4.0, 40.0))
        t += 1.0
    r.update(25.0, fb(25.0, "holding", 1, hold_before_fault, 20.0, fault="not_reached"))
    if done_at is None:
        assert r.state.phase == "stretch" and not r.state.results
    else:
        assert r.state.phase == "done" and r.state.results[0].t_end_s == done_at
        assert r.state.results[0].hold_s == 21.0 and r.state.results[0].depth_deg == 40.0


@pytest.mark.parametrize(("defined", "recorded"), [(None, 24.0), (21.5, 21.5), (30.0, 24.0)])
def test_a_hold_ended_by_the_routine_is_timed_by_the_checkers_definition(defined, recorded):
    """Eased out of range and still in the stance: the running timer (24 s here) also counts
    the slow way out, so the checker's defined hold is recorded when given (never longer than
    the timer)."""
    r = Routine(plan_routine(["standing_hamstring"]), rest_s=0.0)
    r.update(0.0, fb(0.0, "rest"))
    r.update(1.0, fb(1.0, "moving_in", speed=20))
    for k in range(21):
        r.update(4.0 + k, fb(4.0 + k, "holding", 1, float(k), 40.0))
    last = fb(28.0, "holding", 1, 24.0, 20.0, fault="not_reached")
    r.update(28.0, last, None if defined is None else (lambda: defined))
    assert r.state.phase == "done" and r.state.results[0].hold_s == recorded
