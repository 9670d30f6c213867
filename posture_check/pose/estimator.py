"""Pose estimation with MediaPipe's pose landmarker (Tasks API); the only module using mediapipe.

:class:`PoseEstimator` follows the Tasks API's shape: an options dataclass, an explicit running
mode and ``close()`` / a context manager (mediapipe 1.2's landmarker raises at interpreter exit
if it was never closed). It turns images, decoded video frames and live frames into
:class:`PoseSeries`.

Running modes:

* ``"image"``: each image on its own (the detector runs every time).
* ``"video"``: a decoded file, timestamps from the container, tracking between frames.
* ``"live"``: camera frames fed one at a time with their arrival times. It uses the landmarker's
  synchronous VIDEO mode (so the caller gets the result for the frame it passed, and can drop
  frames it has no time for); non-increasing timestamps are nudged forward by 1 ms.

Several people in view: the landmarker is asked for up to ``num_poses`` people and the estimator
follows one of them: at the start (and after the person was lost) the most prominent, i.e. the
largest landmark bounding box weighted by how central it is; after that, whichever candidate is
nearest to the person followed in the previous frame. The number of people seen in each frame is
kept in ``PoseSeries.people_per_frame`` (capped at ``num_poses``), for quality warnings.
A candidate whose image landmarks are not finite anywhere (the landmarker can return
infinities) is not a person: it is dropped, and any single non-finite coordinate becomes NaN.
Recordings ask for ``num_poses > 1``, so MediaPipe's person detector runs on every frame and a
frame's reading does not depend on the frames before it; the live check asks for one
(:mod:`posture_check.live.engine`). Why, and the single-person tracking that was tried and
rejected: see docs/decisions/several-people-in-view.md.

The mirror pass (``flip_average``) runs on its own thread beside the original pass
(``mirror_thread``), with the same results as one after the other: see
docs/decisions/mirror-thread.md.

Frames larger than ``max_side_px`` are downscaled by :meth:`PoseEstimator.prepare`, the one
rule for the size the model sees: called before the model, and by the recordings' decode
thread so the inference thread only runs the model. Files (checks, decoding, chunks) are read
by :mod:`posture_check.analysis.extraction`, which feeds this estimator.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np

from posture_check.errors import InputError, ModelError
from posture_check.pose.flip import average_with_mirror, unmirror
from posture_check.pose.landmarks import N_LANDMARKS
from posture_check.pose.model import ensure_model
from posture_check.pose.series import PoseSeries
from posture_check.pose.video_io import downscale_for_inference, read_image_rgb

RunningMode = Literal["image", "video", "live"]
ProgressCallback = Callable[[int, int], None]  # (frames done, frames expected or 0)

_MAX_TRACK_JUMP = 0.6  # candidate farther than this x previous body size is a different person


@dataclass(frozen=True)
class EstimatorOptions:
    """Options of :class:`PoseEstimator`.

    Attributes:
        model_path: a pose landmarker ``.task``; None builds/uses the default full model.
        running_mode: ``"image"``, ``"video"`` or ``"live"`` (see module docstring).
        num_poses: people the landmarker may return; the estimator follows one of them.
        min_pose_detection_confidence: detector score needed to start on a person (0..1).
        min_pose_presence_confidence: landmark-model presence needed to keep a person (0..1).
        min_tracking_confidence: below this, video/live modes re-run the detector (0..1).
        max_side_px: frames larger than this are downscaled before inference (0 = never).
        flip_average: also run the model on the mirrored frame and average both
            (:mod:`posture_check.pose.flip`): mirror-equivariant readings for twice the model work
            (the mirror pass on a second thread: about the same time where a core is free).
        mirror_thread: run the mirror pass on its own thread, beside the original pass;
            False runs them one after the other (same results; for benchmarks, or a machine
            whose cores are all busy with other workers).
    """

    model_path: str | os.PathLike[str] | None = None
    running_mode: RunningMode = "video"
    num_poses: int = 3
    min_pose_detection_confidence: float = 0.5
    min_pose_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    max_side_px: int = 1280
    flip_average: bool = False
    mirror_thread: bool = True

    def __post_init__(self) -> None:
        if self.running_mode not in ("image", "video", "live"):
            raise ValueError(
                f"running_mode must be image, video or live, got {self.running_mode!r}")
        if self.num_poses < 1:
            raise ValueError(f"num_poses must be >= 1, got {self.num_poses}")


def prominence(xy_px: np.ndarray, frame_size: tuple[int, int]) -> np.ndarray:
    """Score ``(K,)`` of how prominent each of ``K`` candidates ``(K, 33, 2)`` (pixels) is.

    Bounding-box area as a fraction of the frame (clipped to the frame), times a centrality
    weight falling linearly from 1 at the centre to 0.5 at a corner.
    """
    w, h = frame_size
    lo = np.clip(np.nanmin(xy_px, axis=1), 0, [w, h])
    hi = np.clip(np.nanmax(xy_px, axis=1), 0, [w, h])
    area = np.prod(hi - lo, axis=1) / float(w * h)
    centre = (lo + hi) / 2.0
    off = np.hypot((centre[:, 0] - w / 2) / (w / 2), (centre[:, 1] - h / 2) / (h / 2)) / np.sqrt(2)
    return area * (1.0 - 0.5 * np.clip(off, 0.0, 1.0))


def choose_person(
    xy_px: np.ndarray, frame_size: tuple[int, int], previous_px: np.ndarray | None
) -> int:
    """Index of the candidate to follow among ``(K, 33, 2)`` pixel landmarks.

    Continue with the candidate nearest ``previous_px`` (``(33, 2)``) if it is within
    ``_MAX_TRACK_JUMP`` body sizes; otherwise take the most prominent candidate.
    """
    if previous_px is not None and np.isfinite(previous_px).all():
        size = float(np.linalg.norm(np.ptp(previous_px, axis=0))) or 1.0
        dist = np.nanmean(np.linalg.norm(xy_px - previous_px[None], axis=2), axis=1) / size
        best = int(np.argmin(dist))
        if dist[best] < _MAX_TRACK_JUMP:
            return best
    return int(np.argmax(prominence(xy_px, frame_size)))


def _or_nan(value: float | None) -> float:
    """A landmark's visibility or presence; ``None`` (not reported) stays missing as NaN, which
    never gates (:func:`posture_check.measures.quality.landmark_flags`), instead of becoming 0."""
    return np.nan if value is None else float(value)


class PoseEstimator:
    """MediaPipe pose landmarker over images, decoded video frames and live frames.

    Use as a context manager, or call :meth:`close`::

        with PoseEstimator(EstimatorOptions(running_mode="video")) as est:
            series = est.process_frames(frames)  # (t_s, rgb) pairs

    A video file goes through :func:`posture_check.analysis.extraction.extract_video` (decoding on a
    worker thread, chunks, thumbnails), which feeds this estimator.
    """

    def __init__(self, options: EstimatorOptions | None = None) -> None:
        self.options = options or EstimatorOptions()
        self.model_path = ensure_model(self.options.model_path)
        self._landmarker = self._create_landmarker()
        self._mirror_landmarker = (self._create_landmarker() if self.options.flip_average
                                   else None)
        # the mirror pass runs on its own thread while this one runs the original pass (see
        # ``_detect``)
        self._mirror_thread = (ThreadPoolExecutor(1, thread_name_prefix="posture-check-mirror")
                               if self._mirror_landmarker is not None
                               and self.options.mirror_thread else None)
        self._last_ms = -1
        self._previous_px: np.ndarray | None = None
        # the last frame's original-pass (33, 3) image landmarks of the person followed, before
        # any flip averaging (None: nobody); adaptive sampling compares frames with it
        self.last_plain_image: np.ndarray | None = None

    # ------------------------------------------------------------------ lifecycle
    def _create_landmarker(self):
        from mediapipe.tasks.python import BaseOptions, vision

        mode = (vision.RunningMode.IMAGE if self.options.running_mode == "image"
                else vision.RunningMode.VIDEO)
        opts = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(self.model_path)),
            running_mode=mode,
            num_poses=self.options.num_poses,
            min_pose_detection_confidence=self.options.min_pose_detection_confidence,
            min_pose_presence_confidence=self.options.min_pose_presence_confidence,
            min_tracking_confidence=self.options.min_tracking_confidence,
        )
        try:
            return vision.PoseLandmarker.create_from_options(opts)
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"could not load pose model {self.model_path}: {exc}") from exc

    def close(self) -> None:
        """Release the landmarker; the estimator cannot be used afterwards."""
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None
        if self._mirror_thread is not None:
            self._mirror_thread.shutdown(wait=True)
            self._mirror_thread = None
        if self._mirror_landmarker is not None:
            self._mirror_landmarker.close()
            self._mirror_landmarker = None

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------ core
    def prepare(self, rgb: np.ndarray) -> np.ndarray:
        """The frame as the model sees it: downscaled so its longer side is at most
        ``options.max_side_px`` (the one rule for inference size). A frame already prepared
        comes back as it is, so a caller may prepare frames on another thread (the recordings'
        decode thread does) and the model step finds nothing left to do."""
        return downscale_for_inference(rgb, self.options.max_side_px)

    def _detect(self, rgb: np.ndarray, t_s: float | None, mirror: bool = True):
        """Model results for the frame, and for its mirror image when flip-averaging (and
        ``mirror``).

        With ``options.mirror_thread`` the mirror pass runs on the estimator's mirror thread at
        the same time as the original pass on the caller's (each landmarker always on the same
        thread, in time order); both are waited for, so the results are those of running them
        one after the other.
        """
        if self._landmarker is None:
            raise RuntimeError("PoseEstimator is closed")
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise ValueError(f"expected an RGB uint8 (H, W, 3) frame, got {rgb.dtype} {rgb.shape}")
        small = self.prepare(rgb)
        ms = max(round((t_s or 0.0) * 1000.0), self._last_ms + 1)
        self._last_ms = ms
        mirrored = self._mirror_landmarker if mirror else None
        if mirrored is None:
            return self._run(self._landmarker, small, ms), None
        if self._mirror_thread is None:
            return (self._run(self._landmarker, small, ms),
                    self._run(mirrored, small[:, ::-1], ms))
        pending = self._mirror_thread.submit(self._run, mirrored, small[:, ::-1], ms)
        try:
            result = self._run(self._landmarker, small, ms)
        finally:
            mirror_result = pending.result()
        return result, mirror_result

    def _run(self, landmarker, pixels: np.ndarray, ms: int):
        """One model pass over ``pixels`` (RGB uint8), at ``ms`` in video and live modes."""
        import mediapipe as mp

        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(pixels))
        return (landmarker.detect(image) if self.options.running_mode == "image"
                else landmarker.detect_for_video(image, ms))

    @staticmethod
    def _candidates(result) -> tuple[np.ndarray, np.ndarray]:
        """``(K, 33, 5)`` image x, y, z, visibility, presence and ``(K, 33, 3)`` world landmarks
        of each person; non-finite or missing values become NaN and people with no finite
        landmark are dropped."""
        cands = np.array(
            [[(lm.x, lm.y, lm.z, _or_nan(lm.visibility), _or_nan(lm.presence)) for lm in pose]
             for pose in result.pose_landmarks], dtype=np.float64).reshape(-1, N_LANDMARKS, 5)
        worlds = np.array([[(lm.x, lm.y, lm.z) for lm in pose]
                           for pose in result.pose_world_landmarks],
                          dtype=np.float64).reshape(-1, N_LANDMARKS, 3)
        cands[~np.isfinite(cands)] = np.nan
        worlds[~np.isfinite(worlds)] = np.nan
        real = np.isfinite(cands[:, :, :2]).all(axis=2).any(axis=1)  # (K,) some finite landmark
        return cands[real], worlds[real]

    def _frame_arrays(self, results, frame_size: tuple[int, int]):
        """Pick the person to follow; return ((image, world, visibility, presence), n_people).

        With a mirrored pass, the mirror's candidate nearest to the person followed is mapped
        back and averaged in (:func:`posture_check.pose.flip.average_with_mirror`).
        """
        result, mirror = results
        cands, worlds = self._candidates(result)
        n_people = len(cands)
        if n_people == 0:
            self._previous_px = None
            self.last_plain_image = None
            return None, 0
        size = np.asarray(frame_size, dtype=np.float64)
        xy_px = cands[:, :, :2] * size
        k = choose_person(xy_px, frame_size, self._previous_px)
        self._previous_px = xy_px[k]
        arrays = (cands[k, :, :3], worlds[k], cands[k, :, 3], cands[k, :, 4])
        self.last_plain_image = arrays[0]
        if mirror is not None:
            arrays = average_with_mirror(arrays, self._mirror_match(mirror, xy_px[k], size))
        return arrays, n_people

    @staticmethod
    def _mirror_match(mirror, followed_px: np.ndarray, size: np.ndarray):
        """The mirrored pass's person nearest the one followed, mapped back (or None)."""
        cands, worlds = PoseEstimator._candidates(mirror)
        if len(cands) == 0:
            return None
        back = [unmirror(c[:, :3], w, c[:, 3], c[:, 4]) for c, w in zip(cands, worlds, strict=True)]
        scale = float(np.linalg.norm(np.ptp(followed_px, axis=0))) or 1.0
        dist = [float(np.nanmean(np.linalg.norm(b[0][:, :2] * size - followed_px, axis=1)))
                / scale for b in back]
        j = int(np.argmin(dist))
        return back[j] if dist[j] < _MAX_TRACK_JUMP else None

    def process_frames(
        self,
        frames: Iterable[tuple[float, np.ndarray]],
        *,
        source: str = "",
        progress: ProgressCallback | None = None,
        expected_frames: int = 0,
        flip: bool = True,
    ) -> PoseSeries:
        """Landmarks for ``(t_s, rgb)`` frames in time order (video or live mode).

        ``flip=False`` skips the mirror pass for these frames even when the options
        flip-average (adaptive sampling's motion frames, :mod:`posture_check.analysis.sampling`);
        the series' ``flip_averaged`` says which frames had it."""
        if self.options.running_mode == "image":
            raise ValueError("process_frames needs running_mode 'video' or 'live'")
        flipped = self.options.flip_average and flip
        rows_img, rows_world, rows_vis, rows_pres, times, people = [], [], [], [], [], []
        frame_size: tuple[int, int] | None = None
        nan3 = np.full((N_LANDMARKS, 3), np.nan)
        nan1 = np.full(N_LANDMARKS, np.nan)
        for t_s, rgb in frames:
            size = (int(rgb.shape[1]), int(rgb.shape[0]))
            if frame_size is None:
                frame_size = size
            elif size != frame_size:
                raise InputError(f"{source}: frame size changed from {frame_size} to {size}")
            arrays, n = self._frame_arrays(self._detect(rgb, t_s, flipped), size)
            img, world, vis, pres = arrays if arrays is not None else (nan3, nan3, nan1, nan1)
            rows_img.append(img)
            rows_world.append(world)
            rows_vis.append(vis)
            rows_pres.append(pres)
            times.append(float(t_s))
            people.append(n)
            if progress is not None:
                progress(len(times), expected_frames)
        if frame_size is None:
            raise InputError(f"{source or 'input'}: no frames could be decoded")
        return PoseSeries(
            np.array(rows_img), np.array(rows_world), np.array(rows_vis), np.array(rows_pres),
            np.array(times), frame_size, source,
            {"model": Path(self.model_path).name, "running_mode": self.options.running_mode},
            np.array(people, dtype=np.int64), np.full(len(times), flipped),
        )

    def process_frame(self, rgb: np.ndarray, t_s: float) -> PoseSeries:
        """One live/video frame -> a 1-frame PoseSeries (NaN if nobody is in view)."""
        return self.process_frames([(t_s, rgb)], source="live")

    def process_image(self, image: np.ndarray | str | os.PathLike[str], *,
                      source: str = "") -> PoseSeries:
        """A still image (RGB array or path) -> a 1-frame PoseSeries at t = 0.

        ``source`` names an array's origin in the series (a path names itself).
        """
        if not isinstance(image, np.ndarray):
            source = str(image)
            image = read_image_rgb(image)
        size = (int(image.shape[1]), int(image.shape[0]))
        arrays, n = self._frame_arrays(self._detect(image, 0.0), size)
        self._previous_px = None  # images are independent
        meta = {"model": Path(self.model_path).name, "running_mode": "image",
                "flip_average": self.options.flip_average}  # -> PoseSeries.flip_averaged
        if arrays is None:
            series = PoseSeries.empty(np.zeros(1), size, source, meta)
        else:
            img, world, vis, pres = arrays
            series = PoseSeries(img[None], world[None], vis[None], pres[None], np.zeros(1), size,
                                source, meta)
        return replace(series, people_per_frame=np.array([n], dtype=np.int64))
