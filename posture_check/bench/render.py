"""Time the synthetic renderer per frame (``posture-check bench render``); prints figures.

Stages timed separately, side by side in one run: posing the skeleton (IK + trunk solve),
linear blend skinning, rasterizing, and the whole ``render_frame``; at 480x640 portrait and
1280x720 landscape, on a standing and a hip-hinge pose.
"""

from __future__ import annotations

import argparse
import time

from posture_check.synth import BodyPose, Camera, render_frame
from posture_check.synth.kinematics import pose_skeleton
from posture_check.synth.raster import Appearance, rasterize
from posture_check.synth.render import _outward_sign
from posture_check.synth.rig import SHAPES, build_body
from posture_check.synth.skinning import skin


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--frames", type=int, default=40, help="frames per case (default 40)")
    parser.add_argument("--shape", choices=sorted(SHAPES), default="default")


def _ms(fn, n: int) -> float:
    fn()  # warm-up (caches: body, backdrop)
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) * 1000.0 / n


def run(args: argparse.Namespace) -> int:
    n = max(args.frames, 1)
    t0 = time.perf_counter()
    body = build_body(SHAPES[args.shape])
    print(f"body build (cached after first use): {1000 * (time.perf_counter() - t0):.0f} ms; "
          f"{len(body.vertices)} vertices, {len(body.quads)} quads")
    sign = _outward_sign(body)
    look = Appearance()
    poses = {"standing": BodyPose(foot_turnout_right_deg=25, lateral_lean_deg=-6),
             "hinge": BodyPose(trunk_flexion_deg=60, knee_bend_deg=5)}
    cameras = {"480x640": Camera(), "1280x720": Camera(width=1280, height=720, fov_deg=40)}
    print(f"{'case':28s} {'pose':>8s} {'skin':>8s} {'raster':>8s} {'frame':>8s}  (ms/frame)")
    for pname, pose in poses.items():
        sk = pose_skeleton(body, pose)
        verts = skin(body.vertices, body.weights, sk.rotations, sk.translations)
        t_pose = _ms(lambda pose=pose: pose_skeleton(body, pose), n)
        t_skin = _ms(lambda sk=sk: skin(body.vertices, body.weights, sk.rotations,
                                        sk.translations), n)
        for cname, cam in cameras.items():
            cam = Camera(**{**cam.to_dict(), "yaw_deg": 90.0 if pname == "hinge" else 0.0})
            t_ras = _ms(lambda cam=cam, verts=verts: rasterize(
                verts, body.quads, body.quad_material, cam, look, sign), n)
            t_all = _ms(lambda cam=cam, pose=pose: render_frame(pose, cam, args.shape), n)
            print(f"{pname + ' ' + cname:28s} {t_pose:8.1f} {t_skin:8.1f} {t_ras:8.1f} "
                  f"{t_all:8.1f}")
    print("goal: a 480x640 frame well under 300 ms on 2 cores")
    return 0
