"""The committed sample set: labels reproduce from the generator, clips decode, MediaPipe sees
the person in (nearly) every frame, and the stretch labels describe what was rendered."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from posture_check.synth import MEASURES, regenerate_labels, sample_specs

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"
SPECS = sample_specs()


def committed(name: str) -> dict:
    path = SAMPLES / f"{name}.json"
    if not path.is_file():
        pytest.fail(f"{path} missing: run `posture-check synth samples`")
    return json.loads(path.read_text())


@pytest.mark.parametrize("name", list(SPECS))
def test_generator_reproduces_committed_labels(name: str) -> None:
    old = committed(name)
    new = json.loads(json.dumps(regenerate_labels(SPECS[name])))
    for key in ("schema", "video", "fps", "frame_size", "n_frames", "body", "camera",
                "appearance", "keyframes", "oscillations", "stretch", "description"):
        assert new[key] == old[key], key
    assert new["frames"]["view"] == old["frames"]["view"]
    for key in ("t_s", *MEASURES):
        np.testing.assert_allclose(new["frames"][key], old["frames"][key], atol=2e-4,
                                   err_msg=key)
        assert new["summary"].get(key, 0.0) == pytest.approx(old["summary"].get(key, 0.0),
                                                             abs=2e-4)
    assert (SAMPLES / old["video"]).is_file()


def test_readme_describes_every_clip() -> None:
    text = (SAMPLES / "README.md").read_text()
    for spec in SPECS.values():
        assert f"`{spec.filename}` | {spec.description}" in text


def test_standing_labels_match_their_names() -> None:
    s = {n: committed(n)["summary"] for n in SPECS}
    assert all(abs(s["standing_neutral_front"][m]) < 0.05 for m in MEASURES)
    turnout = s["foot_turnout_right30_left5_front"]
    assert turnout["foot_turnout_right"] == pytest.approx(30, abs=0.01)
    assert turnout["foot_turnout_left"] == pytest.approx(5, abs=0.01)
    assert s["lean_left8_front"]["lateral_lean"] == pytest.approx(-8, abs=0.05)
    assert s["hip_hike_right5_front"]["pelvic_obliquity"] == pytest.approx(5, abs=0.01)
    tilt = committed("anterior_tilt_side")["frames"]["pelvic_tilt"]
    assert tilt[0] == 0.0 and tilt[-1] >= 15.0


def _stretch_series(name: str) -> tuple[dict, np.ndarray, np.ndarray]:
    labels = committed(name)
    st = labels["stretch"]
    return st, np.asarray(labels["frames"]["t_s"]), np.asarray(labels["frames"][st["angle"]])


def _phase(st: dict, phase: str) -> dict:
    return next(p for p in st["phases"] if p["phase"] == phase)


@pytest.mark.parametrize(("name", "verdict", "hold"), [
    ("hamstring_good_side", "good", 30.0), ("hamstring_bouncing_side", "bouncing", 20.0),
    ("hamstring_too_short_side", "too_short", 12.0), ("hamstring_rushed_side", "too_fast", 22.0),
    ("hip_flexor_opener_right_good_side", "good", 25.0),
])
def test_stretch_labels_describe_the_motion(name: str, verdict: str, hold: float) -> None:
    st, t, angle = _stretch_series(name)
    assert st["expected_verdict"] == verdict
    h = _phase(st, "holding")
    assert st["hold_s"] == hold == pytest.approx(h["t1_s"] - h["t0_s"])
    in_hold = (t >= h["t0_s"] + 0.5) & (t <= h["t1_s"] - 0.5)
    speed = np.abs(np.gradient(angle, t))
    entry = _phase(st, "moving_in")
    in_entry = (t >= entry["t0_s"]) & (t <= entry["t1_s"])
    swing = np.ptp(angle[in_hold])
    if verdict == "bouncing":
        assert 14.0 <= swing <= 16.5  # +/- 8 deg
    else:
        assert swing < 2.0  # only slow sway
    if verdict == "too_fast":
        assert speed[in_entry].max() > 150.0
    else:
        assert speed[in_entry].max() < 40.0
    if name.startswith("hamstring"):
        assert np.median(angle[in_hold]) == pytest.approx(70.0, abs=0.5)
        assert np.all(np.asarray(committed(name)["frames"]["view"]) == "right_side")
    else:
        assert np.median(angle[in_hold]) < -20.0  # back hip extended


@pytest.fixture(scope="module")
def detections(clip_landmarks) -> dict[str, tuple[int, float]]:
    """Frames decoded and detection rate per clip, through the real model in VIDEO mode (the
    session-wide landmark cache of tests/conftest.py)."""
    out = {}
    for name, spec in SPECS.items():
        series = clip_landmarks(SAMPLES / spec.filename, num_poses=1)
        out[name] = (len(series), float(series.detected.mean()))
    return out


@pytest.mark.parametrize("name", list(SPECS))
def test_mediapipe_detects_the_person_in_every_sample_clip(detections, name: str) -> None:
    n, rate = detections[name]
    assert n == committed(name)["n_frames"]
    assert rate >= 0.95, f"{name}: person detected in {rate:.1%} of frames"
