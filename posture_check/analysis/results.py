"""Result types of an analysis: what to analyse (:class:`AnalysisOptions`) and what came out
(:class:`AnalysisResult` with its :class:`InputInfo`, :class:`QualityWarning` and
:class:`KeyFrame` parts). Built by :func:`posture_check.analysis.pipeline.analyze`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np

from posture_check.measures import MeasureSeries
from posture_check.measures.indicators import Finding
from posture_check.pose.series import PoseSeries

if TYPE_CHECKING:
    from posture_check.analysis.sampling import SamplingRule

__all__ = ["AnalysisOptions", "AnalysisResult", "InputInfo", "KeyFrame", "QualityWarning"]


@dataclass(frozen=True)
class AnalysisOptions:
    """What to analyse and how.

    Attributes:
        model_path: pose landmarker ``.task``; None = the bundled full model.
        stretch: catalogue name of a stretch to check (``posture_check.stretch.CATALOGUE``).
        stretch_side: ``"left"`` / ``"right"``; None = both sides of a sided stretch.
        pain_side: the side the person feels the pain on; findings relate the lean to it.
        height_m: the person's height in metres; scales the ``*_cm`` measures.
        baseline: an earlier recording's summary (measure -> median, or a MeasureSeries).
        max_side_px: frames with a longer side are downscaled before inference (0 = never).
        num_poses: people the landmarker may return; the most prominent one is followed.
        max_frames: stop after this many frames (None = the whole video).
        n_key_frames: key frames kept for reports (posture key frames; stretch adds holds).
        smoothing: measures smoothing for recordings (``"zero_phase"`` or None).
        flip_average: run the pose model on each frame and on its mirror image and average
            (:mod:`posture_check.pose.flip`): readings that swap exactly when the video is
            mirrored, for twice the model time.
        roll_deg: the camera roll, if known (> 0: verticals appear rotated counter-clockwise);
            None = estimated from the room's vertical lines
            (:mod:`posture_check.measures.camera_roll`), 0 when there are none.
        sampling: ``"adaptive"`` (the default: quiet stretches at 5 frames a second, motion at
            full rate, results within the tolerance of :mod:`posture_check.analysis.sampling` on
            every
            recording measured) or ``"full"`` (the model on every frame).
        sampling_rule: the adaptive rule's parameters (None: the defaults of
            :class:`posture_check.analysis.sampling.SamplingRule`).
    """

    model_path: str | os.PathLike[str] | None = None
    stretch: str | None = None
    stretch_side: Literal["left", "right"] | None = None
    pain_side: Literal["left", "right"] | None = None
    height_m: float | None = None
    baseline: dict | MeasureSeries | None = None
    max_side_px: int = 1280
    num_poses: int = 3
    max_frames: int | None = None
    n_key_frames: int = 3
    smoothing: Literal["zero_phase"] | None = "zero_phase"
    flip_average: bool = True
    roll_deg: float | None = None
    sampling: Literal["full", "adaptive"] = "adaptive"
    sampling_rule: SamplingRule | None = None

    def __post_init__(self) -> None:
        if self.sampling not in ("full", "adaptive"):
            raise ValueError(f"sampling must be 'full' or 'adaptive', got {self.sampling!r}")
        if self.pain_side not in (None, "left", "right"):
            raise ValueError(f"pain_side must be 'left', 'right' or None, got {self.pain_side!r}")
        if self.stretch_side not in (None, "left", "right"):
            raise ValueError(
                f"stretch_side must be 'left', 'right' or None, got {self.stretch_side!r}")
        if self.stretch is not None:
            from posture_check.stretch import get_stretch

            get_stretch(self.stretch)  # ValueError naming the catalogue
        if self.max_frames is not None and self.max_frames < 1:
            raise ValueError(f"max_frames must be >= 1 or None, got {self.max_frames}")


@dataclass(frozen=True)
class InputInfo:
    """The analysed file as its container describes it.

    ``width``/``height`` are the displayed frame size in pixels (after rotation metadata);
    ``analysed_size`` the size the model saw (after downscaling); ``fps`` the container's
    nominal rate (0 for a photo; the timestamps are authoritative); ``picture`` the picture
    inside letterbox / pillarbox bars (black or blurred) as fractions ``(x0, y0, x1, y1)`` of
    the frame (None: no bars), in which the landmarks are expressed
    (:mod:`posture_check.pose.picture`).
    """

    path: str
    file_name: str
    kind: Literal["video", "image"]
    size_bytes: int
    width: int
    height: int
    fps: float
    n_frames_container: int
    duration_s: float
    rotation_deg: int
    analysed_size: tuple[int, int]
    picture: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class QualityWarning:
    """A problem with the recording that limits what can be measured.

    ``code``: stable identifier (``"feet_out_of_frame"``, ``"several_people"``, ...);
    ``fraction``: share of frames affected (0..1, of the frames with the person unless stated).
    """

    code: str
    message: str
    fraction: float | None = None


@dataclass(frozen=True, eq=False)
class KeyFrame:
    """A frame kept for reports: its index in the series, time and an RGB thumbnail."""

    index: int
    t_s: float
    image: np.ndarray = field(repr=False)
    label: str = ""


@dataclass(frozen=True, eq=False)
class AnalysisResult:
    """Everything a report needs about one analysed recording (see module docstring)."""

    input: InputInfo
    options: AnalysisOptions
    series: PoseSeries
    measures: MeasureSeries
    findings: tuple[Finding, ...]
    stretch: object | None  # posture_check.stretch.StretchAnalysis
    warnings: tuple[QualityWarning, ...]
    key_frames: tuple[KeyFrame, ...]
    timings_s: dict[str, float]
    created_utc: str

    @property
    def n_frames(self) -> int:
        return len(self.series)

    @property
    def partial(self) -> bool:
        """The recording was damaged and only the part that decoded was analysed."""
        return any(w.code == "damaged_recording" for w in self.warnings)

    @property
    def n_detected(self) -> int:
        """Frames in which the person was found."""
        return int(self.series.detected.sum())

    @property
    def valid(self) -> np.ndarray:
        """``(T,)`` bool: at least one measure is valid in the frame."""
        stack = np.stack(list(self.measures.values.values()), axis=1)
        return np.isfinite(stack).any(axis=1)

    @property
    def n_valid(self) -> int:
        return int(self.valid.sum())

    def view_fractions(self) -> dict[str, float]:
        """Share of all frames per detected view (``"none"`` = no person), largest first."""
        names, counts = np.unique(self.measures.view, return_counts=True)
        n = max(len(self.measures), 1)
        pairs = sorted(zip(names.tolist(), counts.tolist(), strict=True), key=lambda p: -p[1])
        return {str(k): c / n for k, c in pairs}

    @property
    def main_view(self) -> str:
        """The most frequent view among frames with the person (``"none"`` if never found)."""
        views = {k: v for k, v in self.view_fractions().items() if k != "none"}
        return max(views, key=views.__getitem__) if views else "none"

    @property
    def people_per_frame(self) -> np.ndarray:
        return self.series.counts

    def frame_values(self, index: int) -> dict[str, float]:
        """Measure name -> value (NaN if gated) at frame ``index``."""
        return {k: float(v[index]) for k, v in self.measures.values.items()}

