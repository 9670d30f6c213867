"""The stretch catalogue, as data.

Each :class:`Stretch` says which angle defines the stretch (by its name in the shared definitions,
``docs/definitions.md``: ``trunk_flexion``, ``hip_flexion_{side}``, ``knee_flexion_{other}``),
which way is "deeper", the view the camera needs, the target range, the target hold, the largest
angular speed that still counts as slow, and the source document. Adding a stretch means adding
one entry to :data:`CATALOGUE`; no code path is specific to a stretch.

Conventions
-----------
* Angles in degrees, sides are the subject's anatomical left/right.
* ``side`` of a stretch is the side being *stretched*: the back leg of the hip-flexor opener, the
  crossed leg of a figure-four. ``{side}`` in an angle template is that side, ``{other}`` the
  opposite one. A stretch whose angle has no side (``trunk_flexion``) still has a side when its
  pose does (figure-four); :attr:`Stretch.side_rule` names how to tell it from the landmarks.
* ``depth = direction * angle``: larger depth = deeper into the stretch. ``target_deg`` and
  ``engage_deg`` are in depth units (so the hip-flexor opener's -15 deg hip extension is depth 15).

Numbers that the documents do not give (angles, speeds) are engineering choices, marked so:
the documents only say "fluid and slow" (doc 000) and "no pulsing" (doc 003). Speeds: a slow
controlled entry into a 40-60 deg stretch over 2-4 s peaks at 20-40 deg/s; 60 deg/s is twice
that and well below a rushed 150 deg/s entry. Holds come from doc 003 (20-30 s glutes, 30-60 s
piriformis) and, for the muscles doc 003 gives no time for, the ACSM's 10-30 s general advice
raised to doc 003's glute figure so a session is consistent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Hold timing is measured from landmark timestamps whose phase edges are uncertain by a few
#: frames and by the smoothing: a hold this much shorter than the target still counts.
HOLD_GRACE_S = 1.0

#: Angle names that exist per side; anything else is side-free.
SIDED_ANGLES = ("hip_flexion", "knee_flexion")
ANGLE_NAMES = ("trunk_flexion", "hip_flexion_left", "hip_flexion_right", "knee_flexion_left",
               "knee_flexion_right")


@dataclass(frozen=True)
class Stretch:
    """One catalogue entry (see module docstring for conventions).

    Attributes:
        name: catalogue key (shared with the renderer's labels).
        title: human name.
        instructions: one plain sentence on how to do it.
        angle: angle template: ``"trunk_flexion"``, ``"hip_flexion_{side}"``,
            ``"knee_flexion_{other}"``.
        direction: +1 if the angle grows into the stretch, -1 if it becomes more negative.
        sided: the stretch is done one side at a time (left and right are counted separately).
        side_rule: how to tell the active side from landmarks when not given: ``"lifted_ankle"``
            (the crossed leg's ankle is the higher one), ``"angle"`` (only the active side's angle
            reaches the stretch, e.g. only the back leg's hip extends), or ``None`` (not sided).
        views: camera views that show the angle ("left_side", "right_side", ...).
        target_deg: (low, high) depth range of a good hold; below ``low`` is "not reached".
        engage_deg: depth above which the person counts as in (or going into) the stretch.
        hold_s: (min, max) target hold in seconds.
        max_speed_deg_s: the largest peak angular speed entering or leaving that is still slow.
        sources: documents, with what they contribute.
        hold_source: where the hold time comes from, in words a person reads (messages); the
            document titles are those of :data:`posture_check.presentation.DOC_TITLES`.
        alt_angles: other angles that describe the same stretch (for reports).
    """

    name: str
    title: str
    instructions: str
    angle: str
    direction: int
    sided: bool
    side_rule: str | None
    views: tuple[str, ...]
    target_deg: tuple[float, float]
    engage_deg: float
    hold_s: tuple[float, float]
    max_speed_deg_s: float
    sources: tuple[str, ...]
    hold_source: str
    alt_angles: tuple[str, ...] = field(default_factory=tuple)

    def angle_name(self, side: str | None) -> str:
        """The concrete angle name for ``side`` ("left"/"right"; ignored if side-free)."""
        if "{" not in self.angle:
            return self.angle
        if side not in ("left", "right"):
            raise ValueError(f"stretch {self.name!r} needs side 'left' or 'right', got {side!r}")
        other = "right" if side == "left" else "left"
        return self.angle.format(side=side, other=other)

    @property
    def min_hold_s(self) -> float:
        return self.hold_s[0]


CATALOGUE: dict[str, Stretch] = {
    s.name: s
    for s in (
        Stretch(
            name="hip_flexor_opener",
            title="Standing hip-flexor opener",
            instructions="Split stance, tuck the pelvis and let the back hip open slowly; "
                         "back foot pointing straight ahead.",
            angle="hip_flexion_{side}",
            direction=-1,
            sided=True,
            side_rule="angle",
            views=("left_side", "right_side"),
            target_deg=(15.0, 40.0),
            engage_deg=8.0,
            hold_s=(20.0, 30.0),
            max_speed_deg_s=45.0,
            sources=("doc 000: open the hip flexors first, with the foot straight; "
                     "fluid and slow movement",
                     "ACSM: hold 10-30 s"),
            hold_source="the ACSM's advice; the self-massage guide for sciatica",
            alt_angles=("knee_flexion_{other}",),
        ),
        Stretch(
            name="standing_figure_four",
            title="Standing figure-four (piriformis)",
            instructions="Cross the ankle over the opposite knee and sit back slowly, "
                         "holding on to a support.",
            angle="knee_flexion_{other}",
            direction=1,
            sided=True,
            side_rule="lifted_ankle",
            views=("left_side", "right_side", "oblique"),
            target_deg=(25.0, 100.0),
            engage_deg=12.0,
            hold_s=(30.0, 60.0),
            max_speed_deg_s=60.0,
            sources=("doc 003: piriformis holds 30-60 s, avoid pulsing",
                     "doc 000: fluid and slow movement, don't push"),
            hold_source="the self-massage guide for sciatica",
            alt_angles=("hip_flexion_{side}",),
        ),
        Stretch(
            name="standing_hamstring",
            title="Standing hamstring stretch (hip hinge)",
            instructions="Heel forward, knee soft, hinge at the hips with a long back.",
            angle="trunk_flexion",
            direction=1,
            sided=False,
            side_rule=None,
            views=("left_side", "right_side"),
            target_deg=(30.0, 100.0),
            engage_deg=12.0,
            hold_s=(20.0, 30.0),
            max_speed_deg_s=60.0,
            sources=("doc 003: hamstrings affect pelvic tilt; gentle, sustained, no pulsing",
                     "doc 000: fluid and slow movement", "ACSM: hold 10-30 s"),
            hold_source="the ACSM's advice; the self-massage guide for sciatica",
            alt_angles=("hip_flexion_left", "hip_flexion_right"),
        ),
        Stretch(
            name="seated_figure_four",
            title="Seated figure-four (piriformis, for those who cannot balance)",
            instructions="Sit tall, ankle over the opposite knee, lean forward slowly from the "
                         "hips.",
            angle="trunk_flexion",
            direction=1,
            sided=True,
            side_rule="lifted_ankle",
            views=("left_side", "right_side", "oblique"),
            target_deg=(15.0, 60.0),
            engage_deg=7.0,
            hold_s=(30.0, 60.0),
            max_speed_deg_s=45.0,
            sources=("doc 003: piriformis holds 30-60 s, avoid pulsing",
                     "doc 000: fluid and slow movement, don't push"),
            hold_source="the self-massage guide for sciatica",
            alt_angles=("hip_flexion_{side}",),
        ),
    )
}


def get_stretch(name: str | Stretch) -> Stretch:
    """The catalogue entry called ``name`` (a :class:`Stretch` is returned unchanged)."""
    if isinstance(name, Stretch):
        return name
    try:
        return CATALOGUE[name]
    except KeyError:
        raise ValueError(
            f"unknown stretch {name!r}; expected one of {', '.join(sorted(CATALOGUE))}"
        ) from None


def stretch_title(name: str | None) -> str:
    """The catalogue title of a stretch (``"none"``/None -> ``"no stretch"``)."""
    if not name or name == "none":
        return "no stretch"
    return CATALOGUE[name].title if name in CATALOGUE else name.replace("_", " ")
