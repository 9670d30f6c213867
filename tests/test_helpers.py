"""The test helpers make the files they promise."""

from __future__ import annotations

import numpy as np
from helpers.media import write_audio_only, write_video, write_zero_frames


def test_helpers_make_the_files_they_promise(tmp_path):
    import cv2

    audio = write_audio_only(tmp_path / "a.m4a")
    cap = cv2.VideoCapture(str(audio))
    assert not cap.isOpened() or int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)) <= 0
    cap.release()
    zero = write_zero_frames(tmp_path / "z.avi")
    cap = cv2.VideoCapture(str(zero))
    assert cap.isOpened() and int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 0
    cap.release()
    frames = [np.full((48, 64, 3), 40 * k, np.uint8) for k in range(5)]
    v = write_video(tmp_path / "v.mp4", frames)
    cap = cv2.VideoCapture(str(v))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 5
    cap.release()
