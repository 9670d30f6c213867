"""Pose parameters of the rendered person (degrees and metres, subject's own left/right)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace


@dataclass(frozen=True)
class BodyPose:
    """One posture. Angles in degrees; left/right are the subject's anatomical sides.

    The first group are *targets*: the renderer solves the skeleton so that the ground truth,
    computed from the posed 3D joints with the shared definitions
    (:mod:`posture_check.synth.truth`), equals them to within 0.01 deg.

    Attributes:
        foot_turnout_left_deg, foot_turnout_right_deg: foot axis (heel -> 2nd toe tip on the
            floor) against the pelvis's forward direction; positive = toes outward. The foot
            turns about the ankle's vertical axis and the knee follows the foot (hip rotation).
        lateral_lean_deg: trunk line (mid-hip -> mid-shoulder joint centres) from vertical in the
            frontal plane; positive = toward the subject's right.
        pelvic_obliquity_deg: hip line from horizontal; positive = right hip higher. Made with
            both feet on the floor: the pelvis rotates about the mid-hip and the low side's knee
            bends (see ``knee_bend_deg``).
        trunk_flexion_deg: trunk line from vertical in the sagittal plane; positive = forward
            (hip hinge). ``hinge_fraction`` of it is taken by the pelvis pitching about the hip
            joints, the rest by the spine.

    The second group are applied as given (the truth reports the resulting values):

    Attributes:
        pelvic_tilt_deg: extra pelvis pitch about the lateral axis; positive = anterior (front
            of the pelvis drops, lumbar curve increases). The spine counter-rotates so the trunk
            keeps ``trunk_flexion_deg``. Truth ``pelvic_tilt`` = this + hinge_fraction *
            trunk_flexion_deg (the total pelvis pitch relative to neutral standing).
        hinge_fraction: share of ``trunk_flexion_deg`` done by pitching the pelvis (0..1).
        knee_bend_deg: knee flexion of the straighter planted leg (0 = straight); the pelvis
            height follows. The other planted leg bends as much as the pose needs.
        stance_width_m: distance between the ankle joint centres; None = 1.1 x the distance
            between the hip joint centres (feet about hip-width apart).
        step_left_m, step_right_m: foot placement forward (+) / back (-) of the mid-hip, per foot
            (split stance for the hip-flexor opener).
        pelvis_shift_m: pelvis moved toward the subject's right (+) over planted feet.
        pelvis_forward_m: pelvis moved forward (+) over planted feet.
        lift_left, lift_right: the leg is off the floor and posed by the hip/knee angles below
            instead of standing (at least one leg must stay planted).
        hip_flexion_left_deg, ...: hip flexion (knee forward), abduction (knee outward) and
            external rotation (toes outward) of a lifted leg, relative to the rest leg.
        knee_flexion_left_deg, knee_flexion_right_deg: knee flexion of a lifted leg.
        arm_abduction_deg: arms away from the body in the frontal plane, from vertical (arms
            hang by gravity whatever the trunk does; 12 deg keeps the hips visible).
        arm_flexion_deg: arms forward (+) from vertical.
        elbow_flexion_deg: elbow flexion (0 = straight).
    """

    foot_turnout_left_deg: float = 0.0
    foot_turnout_right_deg: float = 0.0
    lateral_lean_deg: float = 0.0
    pelvic_obliquity_deg: float = 0.0
    trunk_flexion_deg: float = 0.0
    pelvic_tilt_deg: float = 0.0
    hinge_fraction: float = 0.75
    knee_bend_deg: float = 0.0
    stance_width_m: float | None = None
    step_left_m: float = 0.0
    step_right_m: float = 0.0
    pelvis_shift_m: float = 0.0
    pelvis_forward_m: float = 0.0
    lift_left: bool = False
    lift_right: bool = False
    hip_flexion_left_deg: float = 0.0
    hip_flexion_right_deg: float = 0.0
    hip_abduction_left_deg: float = 0.0
    hip_abduction_right_deg: float = 0.0
    hip_rotation_left_deg: float = 0.0
    hip_rotation_right_deg: float = 0.0
    knee_flexion_left_deg: float = 0.0
    knee_flexion_right_deg: float = 0.0
    arm_abduction_deg: float = 12.0
    arm_flexion_deg: float = 0.0
    elbow_flexion_deg: float = 8.0

    def __post_init__(self) -> None:
        if self.lift_left and self.lift_right:
            raise ValueError("at least one leg must stay on the floor (lift_left and lift_right)")
        if not 0.0 <= self.hinge_fraction <= 1.0:
            raise ValueError(f"hinge_fraction must be in [0, 1], got {self.hinge_fraction}")
        if not 0.0 <= self.knee_bend_deg < 150.0:
            raise ValueError(f"knee_bend_deg must be in [0, 150), got {self.knee_bend_deg}")
        if self.stance_width_m is not None and not 0.05 <= self.stance_width_m <= 1.2:
            raise ValueError(f"stance_width_m must be in [0.05, 1.2] m, got {self.stance_width_m}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> BodyPose:
        """Build from a dict; unknown keys raise ``ValueError`` naming them."""
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown BodyPose fields {sorted(unknown)}; expected some of "
                             f"{sorted(names)}")
        return cls(**data)

    def mirrored(self) -> BodyPose:
        """The mirror-image pose: left and right swapped, lateral quantities negated."""
        d = self.to_dict()
        out = dict(d)
        for key in d:
            if "left" in key:
                twin = key.replace("left", "right")
                out[key], out[twin] = d[twin], d[key]
        out["lateral_lean_deg"] = -d["lateral_lean_deg"]
        out["pelvic_obliquity_deg"] = -d["pelvic_obliquity_deg"]
        out["pelvis_shift_m"] = -d["pelvis_shift_m"]
        return replace(self, **out)
