"""Stretch-form analysis on synthetic angle series with known truth (pure numpy, fast)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from posture_check.stretch import (
    CATALOGUE,
    OnlineStretchChecker,
    analyze_stretch,
    get_stretch,
)
from posture_check.stretch.bounce import reversals
from posture_check.stretch.catalogue import HOLD_GRACE_S
from posture_check.stretch.segmentation import hysteresis
from posture_check.stretch.smoothness import ldlj, sparc
from posture_check.synth.stretch_angles import (
    MEDIAPIPE_LIKE,
    SHAPES,
    NoiseSpec,
    RepSpec,
    hold_truth,
    make_series,
)

HAM = "standing_hamstring"  # a glute/hamstring hold (the catalogue has its figures)
PIRI = "seated_figure_four"  # a piriformis hold (doc 003)
DOC_003 = sorted((Path(__file__).resolve().parents[2] / "shared" / "docs").glob("003_*.txt"))
JITTER_2DEG = NoiseSpec(white_deg=1.5, wander_deg=1.3, spike_prob=0.005)  # ~2 deg total


def _analyze(reps, stretch=HAM, noise=MEDIAPIPE_LIKE, seed=0, **kw):
    st = get_stretch(stretch)
    s = make_series(reps, noise=noise, seed=seed, direction=st.direction, **kw)
    return s, analyze_stretch(s.t_s, s.angle_deg, st)


# ---------------------------------------------------------------- catalogue
def test_catalogue_entries_are_complete_data():
    assert {"hip_flexor_opener", "standing_figure_four", "standing_hamstring",
            "seated_figure_four"} <= set(CATALOGUE)
    for st in CATALOGUE.values():
        assert st.hold_s[0] < st.hold_s[1] and st.target_deg[0] < st.target_deg[1]
        assert 0 < st.engage_deg < st.target_deg[0]
        assert st.max_speed_deg_s > 0 and st.views and st.sources
        assert any("doc 00" in s for s in st.sources)
    assert get_stretch("hip_flexor_opener").angle_name("left") == "hip_flexion_left"
    assert get_stretch("standing_figure_four").angle_name("left") == "knee_flexion_right"
    with pytest.raises(ValueError, match="unknown stretch"):
        get_stretch("splits")
    with pytest.raises(ValueError, match="needs side"):
        get_stretch("hip_flexor_opener").angle_name(None)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_holds_from_the_self_massage_guide_are_the_guides_own_words(name):
    """A hold that cites doc 003 is one of the ranges doc 003 writes ("20-30 seconds", "30-60
    seconds"), read from the document itself rather than restated here."""
    st = CATALOGUE[name]
    if "self-massage guide" not in st.hold_source:
        pytest.skip(f"{name}'s hold cites {st.hold_source}")
    (doc,) = DOC_003
    lo, hi = st.hold_s
    assert f"{lo:g}-{hi:g} seconds" in doc.read_text(encoding="utf-8")


# ---------------------------------------------------------------- smoothness
def test_sparc_and_ldlj_match_published_reference_values():
    # Gaussian speed profile of the reference implementation's docstring (siva82kb/SPARC)
    t = np.arange(-1, 1, 0.01)
    v = np.exp(-5 * t**2)
    assert sparc(v, 100.0) == pytest.approx(-1.41403, abs=1e-4)
    assert ldlj(v, 100.0) == pytest.approx(-5.81636, abs=1e-4)


def test_smoothness_is_amplitude_invariant_and_penalizes_submovements():
    t = np.arange(-1, 1, 0.01)
    one = np.exp(-5 * t**2)
    two = np.exp(-20 * (t - 0.4) ** 2) + np.exp(-20 * (t + 0.4) ** 2)
    assert sparc(3 * one, 100.0) == pytest.approx(sparc(one, 100.0))
    assert ldlj(3 * one, 100.0) == pytest.approx(ldlj(one, 100.0))
    assert sparc(two, 100.0) < sparc(one, 100.0) - 0.2
    assert ldlj(two, 100.0) < ldlj(one, 100.0) - 1.0


# ---------------------------------------------------------------- helpers
def test_hysteresis_holds_state_between_thresholds():
    x = np.array([0, 5, 11, 9, 8.5, 9.5, 7, 9, 12, np.nan, 9])
    assert hysteresis(x, on=10, off=8).tolist() == [
        False, False, True, True, True, True, False, False, True, False, False]


def test_reversals_ignore_swings_below_threshold():
    t = np.arange(0, 4, 1 / 30)
    small = 2.5 * np.sin(2 * np.pi * t)
    big = 8 * np.sin(2 * np.pi * t)
    assert reversals(small, 6.0)[0].size == 0
    idx, swing = reversals(big, 6.0)
    assert idx.size >= 6
    assert np.nanmedian(swing) == pytest.approx(16, abs=0.5)


# ---------------------------------------------------------------- verdicts
def test_slow_30s_hold_passes_with_hold_time_within_1s():
    s, a = _analyze([RepSpec(depth_deg=50, entry_s=3, hold_s=30)], stretch=PIRI)
    (rep,) = a.repetitions
    assert a.verdict == rep.verdict == "good", rep.messages
    assert rep.hold_s == pytest.approx(30.0, abs=1.0)
    assert rep.angle_reached_deg == pytest.approx(52.0, abs=2.0)
    assert rep.entry_peak_speed_deg_s == pytest.approx(s.entry_peak_speed_deg_s[0], rel=0.3)
    assert -3.0 < rep.sparc_in < -1.2  # smooth single movement
    assert rep.bounce_amplitude_deg == 0.0


def test_2hz_8deg_bounce_is_flagged_with_amplitude_and_frequency():
    _, a = _analyze([RepSpec(depth_deg=45, hold_s=25, bounce_amp_deg=8, bounce_hz=2)])
    (rep,) = a.repetitions
    assert rep.verdict == "bouncing" == a.verdict
    assert rep.bounce_frequency_hz == pytest.approx(2.0, abs=0.25)
    assert rep.bounce_amplitude_deg == pytest.approx(8.0, abs=2.0)
    assert rep.hold_s == pytest.approx(25.0, abs=1.0)  # still one repetition, one hold
    assert "self-massage guide" in rep.messages[0]


def test_12s_hold_is_too_short_and_message_cites_doc():
    _, a = _analyze([RepSpec(depth_deg=40, hold_s=12)], stretch=PIRI)
    (rep,) = a.repetitions
    assert rep.verdict == "too_short"
    assert rep.hold_s == pytest.approx(12.0, abs=1.0)
    lo, hi = get_stretch(PIRI).hold_s
    assert re.fullmatch(rf"Hold for {lo:g}-{hi:g} s; you held 1[23] s "
                        r"\(the self-massage guide for sciatica\)\.", rep.messages[0])


def test_150_deg_per_s_entry_is_too_fast():
    depth = 50.0
    entry_s = np.pi / 2 * depth / 150.0  # cosine ease: peak speed = pi/2 * mean speed
    _, a = _analyze([RepSpec(depth_deg=depth, entry_s=entry_s, hold_s=30)])
    (rep,) = a.repetitions
    assert rep.verdict == "too_fast"
    assert rep.entry_peak_speed_deg_s > 100
    assert "restorative therapist" in rep.messages[0]


def test_abrupt_push_during_hold_counts_as_pushing():
    _, a = _analyze([RepSpec(depth_deg=40, hold_s=30, push_deg=10, push_s=0.25)])
    (rep,) = a.repetitions
    assert rep.pushes == 1 and "pushing" in rep.faults and rep.verdict == "too_fast"


def test_shallow_stretch_is_not_reached_and_no_movement_is_no_repetition():
    _, a = _analyze([RepSpec(depth_deg=18, hold_s=30)])
    assert [r.verdict for r in a.repetitions] == ["not_reached"]
    _, a = _analyze([RepSpec(depth_deg=3, hold_s=30)])
    assert a.repetitions == () and a.verdict == "not_reached"


@pytest.mark.parametrize("seed", range(12))
def test_jitter_alone_is_never_bouncing(seed):
    _, a = _analyze([RepSpec(depth_deg=45, hold_s=40)], noise=JITTER_2DEG, seed=seed)
    (rep,) = a.repetitions
    assert rep.verdict == "good", rep.messages
    assert rep.hold_s == pytest.approx(40.0, abs=1.0)


def test_dropped_frames_and_irregular_timestamps():
    noise = NoiseSpec(white_deg=1.2, wander_deg=1.0, drop_prob=0.3, timestamp_jitter_s=0.012)
    reps = [RepSpec(hold_s=30), RepSpec(hold_s=12), RepSpec(hold_s=25, bounce_amp_deg=8)]
    s, a = _analyze(reps, stretch=HAM, noise=noise, seed=3, fps=24)
    assert [r.verdict for r in a.repetitions] == ["good", "too_short", "bouncing"]
    for rep, truth in zip(a.repetitions, s.hold_s, strict=True):
        assert rep.hold_s == pytest.approx(truth, abs=1.0)
    # a 1 s tracking loss inside the hold does not split it
    t, x = s.t_s.copy(), s.angle_deg.copy()
    x[(t > 15) & (t < 16)] = np.nan
    a2 = analyze_stretch(t, x, HAM)
    assert a2.repetitions[0].hold_s == pytest.approx(30.0, abs=1.0)


def test_time_comes_from_timestamps_not_frame_counts():
    reps = [RepSpec(depth_deg=45, hold_s=30)]
    for fps in (15, 30, 60):
        _, a = _analyze(reps, fps=fps)
        assert a.repetitions[0].hold_s == pytest.approx(30.0, abs=1.0)


def test_negative_angle_stretch_and_phases():
    st = get_stretch("hip_flexor_opener")  # hip extension: angle goes negative
    s, a = _analyze([RepSpec(depth_deg=18, hold_s=25, entry_s=2.5)], stretch=st, rest_deg=-2.0)
    (rep,) = a.repetitions
    assert rep.verdict == "good" and rep.angle_reached_deg < -15
    names = [p["phase"] for p in a.phases["both"]]
    assert names == ["rest", "moving_in", "holding", "moving_out", "rest"]
    hold = a.phases["both"][2]
    assert hold["t0_s"] == pytest.approx(s.phases[2]["t0_s"], abs=0.6)
    assert hold["t1_s"] == pytest.approx(s.phases[2]["t1_s"], abs=0.6)


# ---------------------------------------------------------------- hold timing vs ramp shape
STEADY = NoiseSpec(white_deg=0.3, wander_deg=0.2, spike_prob=0.0)


@pytest.mark.parametrize("noise", ["steady", "mediapipe"])
@pytest.mark.parametrize("hold_s", [10.0, 20.0, 32.0])
@pytest.mark.parametrize("shape", list(SHAPES))
def test_hold_time_within_1s_whatever_the_ramp_shape(shape, hold_s, noise):
    """The hold (segmentation docstring: first to last moment within the band below the
    plateau) on linear, eased and human-like entries and exits, against the same definition
    applied to the clean series with the band the analysis used.

    A slow finish (``fast_slow``, ``corrections``: the last 1-2 deg take ~1 s) under
    MediaPipe-like jitter (~1 deg of slow wander) is timed to within jitter / speed: there the
    edges get 1 s each and the hold 1.5 s (``bench stretch``: 92-97 % of such series within
    1 s); every other case 0.5 s per edge and 1 s for the hold."""
    spec = STEADY if noise == "steady" else MEDIAPIPE_LIKE
    slow_finish = noise == "mediapipe" and shape in ("fast_slow", "corrections")
    tol_edge, tol_hold = (1.0, 1.5) if slow_finish else (0.5, 1.0)
    entry = 6.0 if shape in ("fast_slow", "corrections") else 3.0  # peak speed <= 45 deg/s
    s = make_series([RepSpec(depth_deg=50, entry_s=entry, hold_s=hold_s, exit_s=entry,
                             shape=shape)], noise=spec, seed=1)
    a = analyze_stretch(s.t_s, s.angle_deg, PIRI)
    (rep,) = a.repetitions
    t0, t1 = hold_truth(s.t_s, s.clean_deg - 2.0, 50.0, 0.0, 0.0, np.inf, rep.hold_band_deg)
    assert rep.hold_s == pytest.approx(t1 - t0, abs=tol_hold)
    assert rep.t_hold_start_s == pytest.approx(t0, abs=tol_edge)
    assert rep.t_hold_end_s == pytest.approx(t1, abs=tol_edge)
    assert 1.0 <= rep.hold_band_deg <= 3.0
    if shape in ("linear", "cosine", "minjerk"):  # a ramp that ends: close to its keyframes too
        assert rep.hold_s == pytest.approx(hold_s, abs=1.0)
    expected = "good" if hold_s >= get_stretch(PIRI).min_hold_s - HOLD_GRACE_S else "too_short"
    assert rep.verdict == expected, rep.messages


def test_linear_ramps_are_no_longer_2s_short():
    """Issue 10: linear entries and exits read 30.1 s for a 32 s hold and 8.1 s for 10 s."""
    for hold_s in (32.0, 10.0):
        _, a = _analyze([RepSpec(depth_deg=60, entry_s=4, hold_s=hold_s, exit_s=4,
                                 shape="linear")], seed=2)
        assert a.repetitions[0].hold_s == pytest.approx(hold_s, abs=0.5)


def test_hold_band_follows_the_plateau_noise():
    calm = _analyze([RepSpec(depth_deg=50, hold_s=30)], noise=STEADY)[1].repetitions[0]
    wobbly = _analyze([RepSpec(depth_deg=50, hold_s=30)], noise=JITTER_2DEG)[1].repetitions[0]
    deep = _analyze([RepSpec(depth_deg=90, hold_s=30)], noise=STEADY)[1].repetitions[0]
    assert calm.hold_band_deg == pytest.approx(1.0)
    assert deep.hold_band_deg == pytest.approx(0.015 * 90, abs=0.05)
    assert wobbly.hold_band_deg > calm.hold_band_deg


def test_unknown_ramp_shape_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown ramp shape"):
        make_series([RepSpec(shape="zigzag")])


def test_bad_input_raises_clear_errors():
    with pytest.raises(ValueError, match="shape"):
        analyze_stretch(np.arange(5.0), np.zeros(4), HAM)
    with pytest.raises(ValueError, match="non-decreasing"):
        analyze_stretch(np.array([0.0, 1.0, 0.5]), np.zeros(3), HAM)
    with pytest.raises(ValueError, match="side"):
        analyze_stretch(np.arange(5.0), np.zeros(5), HAM, side="middle")
    a = analyze_stretch(np.arange(0, 5, 0.1), np.full(50, np.nan), HAM)
    assert a.repetitions == () and a.verdict == "not_reached"


def test_to_dict_is_json_serializable():
    import json

    _, a = _analyze([RepSpec(hold_s=12), RepSpec(hold_s=25)])
    d = json.loads(json.dumps(a.to_dict()))
    assert [r["verdict"] for r in d["repetitions"]] == ["too_short", "good"]


# ---------------------------------------------------------------- online
def _run_online(s, stretch=HAM):
    ch = OnlineStretchChecker(stretch)
    return [ch.update(t, x) for t, x in zip(s.t_s, s.angle_deg, strict=True)]


def _first(log, fault, after=-np.inf):
    return next((f.t_s for f in log if f.fault == fault and f.t_s >= after), None)


def test_online_slow_hold_timer_and_countdown():
    s = make_series([RepSpec(depth_deg=45, hold_s=30)], noise=MEDIAPIPE_LIKE, seed=1)
    log = _run_online(s)
    assert all(f.fault is None for f in log)
    hold_t0 = s.phases[2]["t0_s"]
    f10 = next(f for f in log if f.t_s >= hold_t0 + 10)
    assert f10.phase == "holding" and f10.hold_s == pytest.approx(10.0, abs=0.7)
    assert f10.message.startswith("Hold ") and "s more" in f10.message
    assert log[-1].rep_count == 1 and log[-1].phase == "rest"
    assert log[-1].hold_s == pytest.approx(30.0, abs=1.0)


def test_online_too_fast_within_half_a_second():
    s = make_series([RepSpec(depth_deg=50, entry_s=np.pi / 2 * 50 / 150, hold_s=30)],
                    noise=MEDIAPIPE_LIKE, seed=2)
    v = np.gradient(s.clean_deg, s.t_s)
    t_fault = s.t_s[np.argmax(v > get_stretch(HAM).max_speed_deg_s)]
    t_fb = _first(_run_online(s), "too_fast")
    assert t_fb is not None and 0 <= t_fb - t_fault <= 0.5


def test_online_bounce_within_half_a_second_of_first_full_cycle():
    s = make_series([RepSpec(depth_deg=45, hold_s=25, bounce_amp_deg=8, bounce_hz=2,
                             bounce_start_s=5.0)], noise=MEDIAPIPE_LIKE, seed=3)
    log = _run_online(s)
    onset = s.phases[2]["t0_s"] + 5.0
    t_cycle = onset + 1.25 / 2.0  # peak, trough, peak: the first full down-and-up cycle
    t_fb = _first(log, "bouncing")
    assert t_fb is not None and t_fb - t_cycle <= 0.5 and t_fb > onset
    assert "Stop bouncing" in next(f.message for f in log if f.fault == "bouncing")


def test_online_too_short_reported_when_released():
    s = make_series([RepSpec(depth_deg=45, hold_s=12)], noise=MEDIAPIPE_LIKE, seed=4)
    log = _run_online(s, PIRI)
    t_release = s.phases[2]["t1_s"]
    # the release is recognised once the angle is 12 deg below the hold (beyond any bounce)
    t_visible = s.t_s[np.argmax((s.t_s > t_release) & (s.clean_deg < s.clean_deg.max() - 12))]
    t_fb = _first(log, "too_short")
    assert t_fb is not None and t_fb - t_visible <= 0.5
    msg = next(f.message for f in log if f.fault == "too_short")
    assert "hold for 30-60 s" in msg and "self-massage guide" in msg


@pytest.mark.parametrize("seed", range(6))
def test_online_jitter_and_dropped_frames_never_bounce(seed):
    noise = NoiseSpec(white_deg=1.5, wander_deg=1.3, spike_prob=0.005, drop_prob=0.2,
                      timestamp_jitter_s=0.01)
    s = make_series([RepSpec(depth_deg=45, hold_s=35)], noise=noise, seed=seed)
    log = _run_online(s)
    faults = {f.fault for f in log}
    assert faults <= {None}, faults
    assert log[-1].rep_count == 1
    assert log[-1].hold_s == pytest.approx(35.0, abs=1.0)


def test_online_tracking_loss_and_out_of_order_frames():
    s = make_series([RepSpec(depth_deg=45, hold_s=30)], noise=MEDIAPIPE_LIKE, seed=5)
    x = s.angle_deg.copy()
    lost = (s.t_s > 14) & (s.t_s < 17)
    x[lost] = np.nan
    ch = OnlineStretchChecker(HAM)
    log = [ch.update(t, v) for t, v in zip(s.t_s, x, strict=True)]
    assert any(f.fault == "no_tracking" for f in log)
    stale = ch.update(1.0, 40.0)  # a late frame is ignored
    assert stale == log[-1]
    with pytest.raises(ValueError, match="side"):
        OnlineStretchChecker(HAM, side="up")


# ---------------------------------------------------------------- facing hysteresis
def test_facing_tracker_needs_sustained_contrary_cues():
    from posture_check.stretch.angles import FACING_TAU_S, FacingTracker

    t = np.arange(0, 10, 1 / 30)
    e = np.ones_like(t)
    e[(t > 2) & (t < 2.3)] = -1.0  # 0.3 s of contrary cues: a depth-order glitch
    e[t > 5] = -1.0  # the person really turned round
    e[(t > 7) & (t < 7.5)] = 0.0  # no cue (e.g. frontal frames): keep the decision
    tr = FacingTracker()
    s = tr.update(t, e)
    assert s[0] == 1 and np.all(s[t < 5] == 1)
    t_flip = t[np.argmax((t > 5) & (s == -1))]
    assert 5 < t_flip < 5 + 2 * FACING_TAU_S
    assert np.all(s[t > t_flip] == -1)
    # the same cues one frame at a time give the same decisions (live == batch)
    tr2 = FacingTracker()
    s2 = np.concatenate([tr2.update(t[i:i + 1], e[i:i + 1]) for i in range(t.size)])
    np.testing.assert_array_equal(s, s2)
    # undecided until a frame where at least two of three cues agree
    assert FacingTracker().update(np.array([0.0, 0.1]), np.array([1 / 3, 2 / 3])).tolist() == [
        0.0, 1.0]


@pytest.mark.parametrize("shape", ["linear", "cosine", "fast_slow", "corrections", "overshoot"])
def test_live_hold_timer_follows_the_definition_whatever_the_ramp(shape):
    # a slow finish of the entry or a slow start of the release is not holding: the live timer
    # used to count it (+4 s on "corrections"); now it times the band below the plateau
    from posture_check.stretch.online import finished_holds
    from posture_check.synth.stretch_angles import NoiseSpec, RepSpec, make_series

    errs = []
    for seed in range(3):
        s = make_series([RepSpec(depth_deg=50.0, entry_s=6.0 if shape in ("fast_slow",
                                 "corrections") else 4.0, hold_s=20.0, exit_s=4.0, shape=shape)],
                        noise=NoiseSpec(1.2, 1.0), seed=seed)
        holds = finished_holds(s.t_s, s.angle_deg, "standing_hamstring")
        assert len(holds) == 1
        errs.append(holds[0] - s.hold_truth_s[0])
    assert abs(float(np.mean(errs))) <= 1.0, errs
    assert max(abs(e) for e in errs) <= 1.5, errs
