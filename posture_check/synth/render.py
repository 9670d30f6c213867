"""Render one frame: pose the skeleton, skin the mesh, rasterize, compute the ground truth."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from posture_check.synth.camera import Camera
from posture_check.synth.kinematics import PosedSkeleton, pose_skeleton
from posture_check.synth.pose import BodyPose
from posture_check.synth.raster import Appearance, quad_normals, rasterize
from posture_check.synth.rig import SHAPES, Body, BodyShape, build_body
from posture_check.synth.skinning import skin
from posture_check.synth.truth import landmark_array, measures_from_points


@dataclass(frozen=True, eq=False)
class FrameTruth:
    """Ground truth of one rendered frame.

    Attributes:
        measures: shared measure name -> degrees (see :mod:`posture_check.synth.truth`).
        view: shared view name of the camera relative to the pelvis.
        landmarks_world: ``(33, 3)`` BlazePose landmark positions, renderer world frame (metres;
            x = subject's left, y up, z = subject's forward; floor y = 0).
        landmarks_image: ``(33, 2)`` the same projected to pixels (x right, y down).
        landmarks_depth: ``(33,)`` camera depth in metres.
        points: all named posed points (world frame).
    """

    measures: dict[str, float]
    view: str
    landmarks_world: np.ndarray
    landmarks_image: np.ndarray
    landmarks_depth: np.ndarray
    points: dict[str, np.ndarray]


@lru_cache(maxsize=32)
def _outward_sign(body: Body) -> float:
    """+1 if quad_normals point out of the rest body, else -1 (decided on the torso)."""
    n = quad_normals(body.vertices, body.quads)
    c = body.vertices[body.quads].mean(axis=1)
    centre = body.vertices.mean(axis=0)
    radial = c - centre
    radial[:, 1] = 0.0
    return 1.0 if float(np.einsum("ij,ij->i", n, radial).sum()) > 0 else -1.0


def resolve_shape(shape: BodyShape | str) -> BodyShape:
    if isinstance(shape, BodyShape):
        return shape
    if shape not in SHAPES:
        raise ValueError(f"unknown body shape {shape!r}; expected one of {sorted(SHAPES)}")
    return SHAPES[shape]


def frame_truth(skeleton: PosedSkeleton, camera: Camera) -> FrameTruth:
    measures = measures_from_points(skeleton.points, np.asarray([skeleton.pelvic_tilt_deg]))
    lms = landmark_array(skeleton.points)
    uv, depth = camera.project(lms)
    return FrameTruth({k: float(v[0]) for k, v in measures.items()}, camera.view, lms, uv, depth,
                      skeleton.points)


def render_frame(pose: BodyPose | None = None, camera: Camera | None = None,
                 shape: BodyShape | str = "default", appearance: Appearance | None = None,
                 frame_index: int = 0) -> tuple[np.ndarray, FrameTruth]:
    """Render one posed person.

    Args:
        pose: the posture (default: neutral standing).
        camera: where the camera is (default: front, 1 m high, 3 m away, 480x640 portrait).
        shape: a :class:`BodyShape` or a name in :data:`posture_check.synth.SHAPES`.
        appearance: colours, noise and blur (default: plain clothes, no noise).
        frame_index: mixed into the noise seed.

    Returns:
        ``(rgb, truth)``: an RGB uint8 ``(height, width, 3)`` image and its :class:`FrameTruth`.
    """
    body = build_body(resolve_shape(shape))
    pose = pose or BodyPose()
    camera = camera or Camera(body_height_m=body.shape.height_m)
    appearance = appearance or Appearance()
    skeleton = pose_skeleton(body, pose)
    verts = skin(body.vertices, body.weights, skeleton.rotations, skeleton.translations)
    material = body.materials(appearance.long_trousers, appearance.long_sleeves)
    rgb = rasterize(verts, body.quads, material, camera, appearance,
                    _outward_sign(body), frame_index, body.vertices)
    return rgb, frame_truth(skeleton, camera)
