r"""``posture-check synth``: render a still, a clip or the sample set, with ground-truth labels.

Examples::

    posture-check synth still out.png --turnout-right 30 --lean -8 --yaw 20
    posture-check synth clip out.mp4 --duration 3 --obliquity 5
    posture-check synth clip hinge.mp4 --stretch standing_hamstring --yaw 90 --move-in 4 \
        --hold 20 --bounce 8 --fps 15
    posture-check synth samples --out sample_videos
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import cv2

from posture_check.atomic import atomic_path, write_text_atomic
from posture_check.errors import PostureCheckError
from posture_check.synth.camera import Camera
from posture_check.synth.clip import render_clip
from posture_check.synth.pose import BodyPose
from posture_check.synth.raster import Appearance
from posture_check.synth.render import render_frame
from posture_check.synth.rig import SHAPES
from posture_check.synth.samples import (
    HINGE_PEAK,
    LUNGE_PEAK,
    LUNGE_START,
    STANDING,
    generate_samples,
)
from posture_check.synth.timeline import Timeline, stretch_timeline

# name -> (start pose, peak pose, labelled angle, side, bounced field, bounce units per deg)
_STRETCHES = {
    "standing_hamstring": (STANDING, HINGE_PEAK, "trunk_flexion", "both", "trunk_flexion_deg",
                           1.0),
    # the opener's depth follows the pelvis moving forward: ~0.55 cm per degree of hip extension
    "hip_flexor_opener": (LUNGE_START, LUNGE_PEAK, "hip_flexion_right", "right",
                          "pelvis_forward_m", 0.0055),
}


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT like 480x640, got {text!r}") \
            from exc
    return w, h


def _add_scene(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("pose (degrees; subject's own left/right)")
    g.add_argument("--turnout-left", type=float, default=0.0, help="left foot, + = toes out")
    g.add_argument("--turnout-right", type=float, default=0.0, help="right foot, + = toes out")
    g.add_argument("--lean", type=float, default=0.0, help="lateral lean, + = to the right")
    g.add_argument("--obliquity", type=float, default=0.0, help="+ = right hip higher")
    g.add_argument("--tilt", type=float, default=0.0, help="pelvic tilt, + = anterior")
    g.add_argument("--trunk-flexion", type=float, default=0.0, help="hip hinge, + = forward")
    g.add_argument("--knee-bend", type=float, default=0.0, help="knee flexion of planted legs")
    c = p.add_argument_group("camera and look")
    c.add_argument("--yaw", type=float, default=0.0, help="0 = front, +90 = subject's right side")
    c.add_argument("--cam-height", type=float, default=1.0, help="metres above the floor")
    c.add_argument("--distance", type=float, default=3.0, help="metres from the subject")
    c.add_argument("--fov", type=float, default=50.0, help="vertical field of view, degrees")
    c.add_argument("--roll", type=float, default=0.0, help="camera roll, degrees")
    c.add_argument("--size", type=_size, default=(480, 640), help="WIDTHxHEIGHT (480x640)")
    c.add_argument("--shape", choices=sorted(SHAPES), default="default")
    c.add_argument("--noise", type=float, default=0.0, help="pixel noise std (0..255)")
    c.add_argument("--blur", type=float, default=0.0, help="Gaussian blur sigma, pixels")
    c.add_argument("--seed", type=int, default=0)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="synth_command", required=True)
    still = sub.add_parser("still", help="render one frame to PNG + truth JSON")
    still.add_argument("out", type=Path, help="output .png (truth written as .json beside it)")
    _add_scene(still)
    clip = sub.add_parser("clip", help="render a clip to MP4 + labels JSON")
    clip.add_argument("out", type=Path, help="output .mp4 (labels written as .json beside it)")
    clip.add_argument("--duration", type=float, default=3.0, help="seconds (still pose)")
    clip.add_argument("--fps", type=float, default=30.0)
    clip.add_argument("--stretch", choices=sorted(_STRETCHES), default=None,
                      help="render a stretch (rest, move in, hold, move out) instead of a pose")
    clip.add_argument("--move-in", type=float, default=4.0, help="stretch entry, seconds")
    clip.add_argument("--hold", type=float, default=30.0, help="stretch hold, seconds")
    clip.add_argument("--move-out", type=float, default=3.0, help="stretch exit, seconds")
    clip.add_argument("--bounce", type=float, default=0.0,
                      help="bounce amplitude in the hold, degrees of the stretch angle (approx. "
                           "for the hip-flexor opener)")
    clip.add_argument("--bounce-hz", type=float, default=2.0)
    clip.add_argument("--verdict", default="good", help="expected verdict written to labels")
    _add_scene(clip)
    samples = sub.add_parser("samples", help="render the default labelled sample set")
    samples.add_argument("--out", type=Path, default=Path("sample_videos"))
    samples.add_argument("--only", nargs="+", default=None, help="clip names to render")
    samples.add_argument("--workers", type=int, default=2)


def _scene(args: argparse.Namespace) -> tuple[BodyPose, Camera, Appearance]:
    pose = BodyPose(foot_turnout_left_deg=args.turnout_left,
                    foot_turnout_right_deg=args.turnout_right, lateral_lean_deg=args.lean,
                    pelvic_obliquity_deg=args.obliquity, pelvic_tilt_deg=args.tilt,
                    trunk_flexion_deg=args.trunk_flexion, knee_bend_deg=args.knee_bend)
    w, h = args.size
    camera = Camera(yaw_deg=args.yaw, height_m=args.cam_height, distance_m=args.distance,
                    fov_deg=args.fov, width=w, height=h, roll_deg=args.roll,
                    body_height_m=SHAPES[args.shape].height_m)
    look = Appearance(noise_std=args.noise, blur_px=args.blur, seed=args.seed)
    return pose, camera, look


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except (ValueError, PostureCheckError) as exc:
        print(f"posture-check synth: error: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    if args.synth_command == "samples":
        t0 = time.perf_counter()
        results = generate_samples(args.out, args.only, workers=args.workers)
        for r in results:
            print(f"{r.video_path}  ({r.labels['n_frames']} frames, {r.codec})")
        print(f"{len(results)} clip(s) in {time.perf_counter() - t0:.1f} s")
        return 0
    pose, camera, look = _scene(args)
    if args.synth_command == "still":
        if args.out.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            raise ValueError(f"still output must be .png or .jpg, got {args.out}")
        rgb, truth = render_frame(pose, camera, args.shape, look)
        with atomic_path(args.out) as tmp:
            if not cv2.imwrite(str(tmp), rgb[:, :, ::-1]):
                raise ValueError(f"cannot write image {args.out}")
        info = {"measures": truth.measures, "view": truth.view, "pose": pose.to_dict(),
                "camera": camera.to_dict(), "shape": args.shape,
                "landmarks_image_px": truth.landmarks_image.round(2).tolist()}
        write_text_atomic(args.out.with_suffix(".json"), json.dumps(info, indent=1) + "\n")
        print(json.dumps({k: round(v, 3) for k, v in truth.measures.items()}))
        return 0
    stretch = None
    if args.stretch:
        start, peak, angle, side, bounce_field, per_deg = _STRETCHES[args.stretch]
        plan = stretch_timeline(start, peak, name=args.stretch, angle=angle, side=side,
                                expected_verdict=args.verdict, move_in_s=args.move_in,
                                hold_s=args.hold, move_out_s=args.move_out,
                                bounce_field=bounce_field if args.bounce else None,
                                bounce_amplitude=args.bounce * per_deg,
                                bounce_hz=args.bounce_hz)
        timeline, stretch = plan.timeline, plan.label
    else:
        timeline = Timeline.still(pose, args.duration)
    res = render_clip(timeline, args.out, camera, args.shape, look, args.fps,
                      description="rendered by posture-check synth clip", stretch=stretch)
    print(f"{res.video_path} ({res.labels['n_frames']} frames, {res.codec}); "
          f"labels {res.labels_path}")
    return 0
