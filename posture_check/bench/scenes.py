"""Families of rendered standing scenes for fitting and out-of-family validation.

A scene is a body shape, clothes and light, a standing posture and a camera. Each of the three
axes (body, clothes, camera) has a *fit* family, from which the calibration may learn, and a
*held-out* family that the fit never sees, with values outside the fit ranges:

* body: fit = :data:`N_FIT_BODIES` bodies aged 20-50; held out = :data:`N_HELD_BODIES` other
  bodies aged 55-75, heavier or slimmer, shorter or taller, other proportions.
* clothes and light: fit = shorts and short sleeves in any colour, key light from the camera's
  left; held out = long, dark or wall-coloured clothes, light from the right, more noise and
  blur; ``print`` (``held_print``, ``held_all_print`` only): bold prints and wall clutter.
* room (both families): 80% of scenes have a wall with 0-3 vertical door-frame edges.
* camera: fit = yaw -12..12 deg, height 0.8-1.4 m, distance 2.6-3.4 m, fov 45-55 deg, no roll;
  held out = outside those ranges, roll -6..6 deg.

Side views (``view="side"``): the camera at a flank; hip hinges and split stances
(:data:`SPLIT_STANCE_SHARE`); no fit set. Angles in degrees, lengths in metres, left/right the
subject's own; the truth is the body's own angle whatever the camera. Bodies are built once per
family (``build_body`` costs ~1 s); scenes reuse them.

Every range, and why the families are drawn as they are: see docs/decisions/held-out-families.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from posture_check.synth import Appearance, BodyPose, Camera
from posture_check.synth.rig import BodyShape

__all__ = ["AXES", "N_FIT_BODIES", "N_HELD_BODIES", "Scene", "bodies", "draw_scenes"]

AXES = ("body", "clothes", "camera")
N_FIT_BODIES = 16
N_HELD_BODIES = 8
_BODY_SEED = {"fit": 101, "held": 202}


@dataclass(frozen=True)
class Scene:
    """One still scene to render, and the family it belongs to on each axis."""

    shape: BodyShape
    appearance: Appearance
    pose: BodyPose
    camera: Camera
    family: dict[str, str]  # axis -> "fit" | "held"


def _either(rng: np.random.Generator, a: tuple[float, float], b: tuple[float, float]) -> float:
    lo, hi = a if rng.random() < 0.5 else b
    return float(rng.uniform(lo, hi))


def _race(rng: np.random.Generator) -> tuple[float, float, float]:
    w = rng.dirichlet((0.7, 0.7, 0.7))
    return (float(w[0]), float(w[1]), 1.0 - float(w[0]) - float(w[1]))


def bodies(family: str) -> list[BodyShape]:
    """The body shapes of a family (fixed seeds: the same bodies every run)."""
    rng = np.random.default_rng(_BODY_SEED[family])
    out = []
    n = N_FIT_BODIES if family == "fit" else N_HELD_BODIES
    for i in range(n):
        if family == "fit":
            age_y = rng.uniform(20, 50)
            kw = dict(weight=rng.uniform(-0.6, 0.5), muscle=rng.uniform(-0.5, 0.6),
                      proportions=rng.uniform(-0.5, 0.5), height_m=rng.uniform(1.55, 1.85),
                      leg_length=rng.uniform(-0.5, 0.5), hips=rng.uniform(-0.5, 0.5),
                      shoulders=rng.uniform(-0.5, 0.5))
        else:
            age_y = rng.uniform(55, 75)
            kw = dict(weight=_either(rng, (0.5, 1.0), (-1.0, -0.6)),
                      muscle=_either(rng, (-1.0, -0.5), (0.6, 1.0)),
                      proportions=_either(rng, (-1.0, -0.5), (0.5, 1.0)),
                      height_m=_either(rng, (1.45, 1.55), (1.85, 2.0)),
                      leg_length=_either(rng, (-1.0, -0.5), (0.5, 1.0)),
                      hips=_either(rng, (-1.0, -0.5), (0.5, 1.0)),
                      shoulders=_either(rng, (-1.0, -0.5), (0.5, 1.0)))
        # MakeHuman age: 0.5 = 25 years, 1.0 = 90 years; ours: 0 = 25 years
        age = float(np.clip((age_y - 25.0) / 65.0, 0.0, 1.0))
        out.append(BodyShape(f"{family}{i:02d}", gender=float(rng.uniform(0, 1)), age=age,
                             race=_race(rng), **kw))
    return out


def _colour(rng: np.random.Generator, lo: int, hi: int) -> tuple[int, int, int]:
    return tuple(int(v) for v in rng.integers(lo, hi, 3))  # type: ignore[return-value]


_SKINS = ((255, 219, 190), (234, 186, 150), (198, 134, 98), (141, 85, 56), (96, 60, 40),
          (224, 172, 140))


def _room(rng: np.random.Generator) -> dict:
    """A wall behind the subject (80% of scenes) with 0-3 vertical door-frame edges."""
    if rng.random() < 0.2:
        return {}
    edges = tuple(float(x) for x in rng.uniform(-2.5, 2.5, int(rng.integers(0, 4))))
    return {"wall_distance_m": float(rng.uniform(0.8, 3.0)), "wall_edges_m": edges}


def _appearance(rng: np.random.Generator, family: str, seed: int) -> Appearance:
    if family == "print":  # the fit family's draw, then a print and clutter of their own
        look = _appearance(rng, "fit", seed)
        extra = np.random.default_rng([seed, 8])
        return replace(look, print_rgb=_colour(extra, 10, 245),
                       print_kind="checks" if extra.random() < 0.4 else "stripes",
                       print_period_m=float(extra.uniform(0.04, 0.12)),
                       clutter=int(extra.integers(10, 41)),
                       wall_distance_m=look.wall_distance_m or float(extra.uniform(0.8, 3.0)))
    room = _room(rng)
    skin = _SKINS[int(rng.integers(len(_SKINS)))]
    skin = tuple(int(np.clip(c * rng.uniform(0.92, 1.08), 0, 255)) for c in skin)
    bg = _colour(rng, 120, 235)
    floor = _colour(rng, 70, 190) if rng.random() < 0.85 else None
    if family == "fit":
        shirt, shorts = _colour(rng, 20, 240), _colour(rng, 20, 240)
        return Appearance(background_rgb=bg, floor_rgb=floor, skin_rgb=skin, shirt_rgb=shirt,
                          shorts_rgb=shorts, hair_rgb=_colour(rng, 20, 120),
                          shoe_rgb=_colour(rng, 30, 250), ambient=float(rng.uniform(0.3, 0.5)),
                          key_side=float(rng.uniform(0.0, 0.6)), noise_std=float(rng.uniform(0, 4)),
                          blur_px=float(rng.uniform(0, 0.8)), seed=seed, **room)
    dark = rng.random() < 0.5
    base = _colour(rng, 15, 70) if dark else tuple(int(np.clip(c + rng.integers(-25, 25), 0, 255))
                                                   for c in bg)
    return Appearance(background_rgb=bg, floor_rgb=floor, skin_rgb=skin, shirt_rgb=base,
                      shorts_rgb=_colour(rng, 15, 70) if dark else _colour(rng, 60, 160),
                      hair_rgb=_colour(rng, 10, 200), shoe_rgb=_colour(rng, 10, 80),
                      ambient=float(rng.uniform(0.2, 0.6)), key_side=float(rng.uniform(-0.8, -0.1)),
                      key_up=float(rng.uniform(0.3, 1.4)), long_trousers=True, long_sleeves=True,
                      noise_std=float(rng.uniform(2, 7)), blur_px=float(rng.uniform(0.3, 1.2)),
                      seed=seed, **room)


def _pose(rng: np.random.Generator) -> BodyPose:
    def foot() -> float:
        return float(rng.uniform(-10, 14) if rng.random() < 0.5 else rng.uniform(0, 40))

    left = foot()
    right = left + float(rng.normal(0, 1.5)) if rng.random() < 0.3 else foot()
    ahead = float(rng.uniform(0, 0.08)) if rng.random() < 0.4 else 0.0
    step_l, step_r = (ahead, 0.0) if rng.random() < 0.5 else (0.0, ahead)
    return BodyPose(foot_turnout_left_deg=left, foot_turnout_right_deg=right,
                    lateral_lean_deg=float(rng.uniform(-10, 10)),
                    pelvic_obliquity_deg=float(rng.uniform(-6, 6)),
                    pelvis_shift_m=float(rng.uniform(-0.04, 0.04)),
                    step_left_m=step_l, step_right_m=step_r,
                    arm_abduction_deg=float(rng.uniform(5, 40)),
                    arm_flexion_deg=float(rng.uniform(-10, 30)),
                    elbow_flexion_deg=float(rng.uniform(0, 40)))


# Share of side-view scenes in a split stance (the hip-flexor opener's lunge, a hamstring
# stretch's heel forward) rather than feet together.
SPLIT_STANCE_SHARE = 0.4


def _side_pose(rng: np.random.Generator) -> BodyPose:
    arms = {"arm_abduction_deg": float(rng.uniform(5, 15)),
            "arm_flexion_deg": float(rng.uniform(-10, 40)),
            "elbow_flexion_deg": float(rng.uniform(0, 30))}
    feet = {"foot_turnout_left_deg": float(rng.uniform(0, 15)),
            "foot_turnout_right_deg": float(rng.uniform(0, 15))}
    if rng.random() < SPLIT_STANCE_SHARE:
        front, back = float(rng.uniform(0.15, 0.45)), -float(rng.uniform(0.15, 0.45))
        left_ahead = rng.random() < 0.5
        return BodyPose(**feet, lateral_lean_deg=float(rng.uniform(-3, 3)),
                        trunk_flexion_deg=float(rng.uniform(-5, 25)),
                        hinge_fraction=float(rng.uniform(0.2, 0.8)),
                        pelvic_tilt_deg=float(rng.uniform(-8, 12)),
                        knee_bend_deg=float(rng.uniform(0, 20)),
                        step_left_m=front if left_ahead else back,
                        step_right_m=back if left_ahead else front, **arms)
    return BodyPose(**feet, lateral_lean_deg=float(rng.uniform(-3, 3)),
                    trunk_flexion_deg=float(rng.uniform(0, 60)),
                    hinge_fraction=float(rng.uniform(0.2, 0.8)),
                    pelvic_tilt_deg=float(rng.uniform(-8, 12)),
                    knee_bend_deg=float(rng.uniform(0, 25)), **arms)


def _min_distance(body_height_m: float, fov_deg: float) -> float:
    """Nearest distance that keeps the whole body in view (partial bodies are the gating
    sweep's job): 20% margin around the body's height in the vertical field of view."""
    return 0.6 * body_height_m / float(np.tan(np.radians(fov_deg) / 2))


def _camera(rng: np.random.Generator, family: str, body_height_m: float) -> Camera:
    if family == "fit":
        fov = float(rng.uniform(45, 55))
        dist = max(float(rng.uniform(2.6, 3.4)), _min_distance(body_height_m, fov))
        return Camera(yaw_deg=float(rng.uniform(-12, 12)), height_m=float(rng.uniform(0.8, 1.4)),
                      distance_m=dist, fov_deg=fov, body_height_m=body_height_m)
    sign = 1.0 if rng.random() < 0.5 else -1.0
    fov = _either(rng, (35, 45), (55, 70))
    d_min = _min_distance(body_height_m, fov)
    dist = _either(rng, (2.2, 2.6), (3.4, 4.2))
    if dist < d_min:
        dist = d_min * float(rng.uniform(1.0, 1.1))
    return Camera(yaw_deg=sign * float(rng.uniform(12, 25)),
                  height_m=_either(rng, (0.55, 0.8), (1.4, 1.8)), distance_m=dist, fov_deg=fov,
                  roll_deg=float(rng.uniform(-6, 6)), body_height_m=body_height_m)


def draw_scenes(n: int, seed: int, family: dict[str, str], view: str = "front") -> list[Scene]:
    """``n`` scenes whose body, clothes and camera come from the given families.

    ``family``: axis -> ``"fit"`` or ``"held"`` for each of :data:`AXES` (the clothes axis
    also ``"print"``: fit-family clothes with a print, in a cluttered room). ``view``:
    ``"front"`` (standing check, camera in front) or ``"side"`` (camera at a flank, standing to
    hip-hinge postures; module docstring).
    """
    if (set(family) != set(AXES) or not set(family.values()) <= {"fit", "held", "print"}
            or "print" in (family["body"], family["camera"])):
        raise ValueError(f"family must map each of {AXES} to 'fit' or 'held' (clothes also "
                         f"'print'), got {family}")
    if view not in ("front", "side"):
        raise ValueError(f"view must be 'front' or 'side', got {view!r}")
    rng = np.random.default_rng(seed)
    pool = bodies(family["body"])
    out = []
    for i in range(n):
        shape = pool[int(rng.integers(len(pool)))]
        look = _appearance(rng, family["clothes"], seed * 100_000 + i)
        pose = _pose(rng) if view == "front" else _side_pose(rng)
        cam = _camera(rng, family["camera"], shape.height_m)
        if view == "side":  # the same camera family, turned to a flank (either side)
            flank = 90.0 if rng.random() < 0.5 else -90.0
            cam = replace(cam, yaw_deg=flank + cam.yaw_deg)
        out.append(Scene(shape, look, pose, cam, dict(family)))
    return out
