"""The MakeHuman body as a small set of rigid segments, shaped and posed.

World frame of the renderer (metres, right-handed): ``x`` toward the subject's LEFT, ``y`` up,
``z`` toward the subject's front (the direction the pelvis faces when unposed). The floor is
``y = 0``; the mid-point of the two hip joint centres of the unposed body is at ``x = z = 0``.
In this frame the shared definitions' axes are ``U = +y``, ``R = -x`` and ``F = U x R = +z``.

The rig's 163 bones are grouped into the :data:`SEGMENTS` a posture needs (pelvis, five spine
segments, neck, head, and per side clavicle/arm/forearm/hand/thigh/shank/foot); the skinning
weights of a segment's bones are summed, so a vertex's weights over segments still sum to 1.
Each segment's pivot is a joint centre: the mean of the rig's ``joint-*`` marker cube in the
*shaped* mesh, so joints follow the body shape.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np

from posture_check.synth.assets import load_base_mesh, load_target, load_weights

SIDES = ("l", "r")

# Segment name -> pivot marker cube (joint centre the segment rotates about).
_SEGMENT_PIVOTS: dict[str, str] = {
    "pelvis": "joint-pelvis",
    "spine1": "joint-pelvis",
    "spine2": "joint-spine-4",
    "spine3": "joint-spine-3",
    "spine4": "joint-spine-2",
    "chest": "joint-spine-1",
    "neck": "joint-neck",
    "head": "joint-head",
    **{f"{k}_{s}": f"joint-{s}-{c}" for s in SIDES for k, c in (
        ("upperarm", "shoulder"), ("forearm", "elbow"), ("hand", "hand"),
        ("thigh", "upper-leg"), ("shank", "knee"), ("foot", "ankle"))},
}
SEGMENTS: tuple[str, ...] = tuple(_SEGMENT_PIVOTS)
SEG = {name: i for i, name in enumerate(SEGMENTS)}

# Fraction of the trunk's rotation (relative to the pelvis) taken by each spine segment.
SPINE_CHAIN: tuple[tuple[str, float], ...] = (
    ("spine1", 0.15), ("spine2", 0.25), ("spine3", 0.25), ("spine4", 0.2), ("chest", 0.15))

_FACE_PREFIXES = ("jaw", "levator", "oculi", "orbicularis", "oris", "risorius", "special",
                  "temporalis", "tongue", "eye", "head")


def bone_segment(bone: str) -> str:
    """The segment a rig bone belongs to."""
    side = "l" if bone.endswith(".L") else "r" if bone.endswith(".R") else ""
    base = bone.split(".")[0]
    table = {"spine05": "spine1", "spine04": "spine2", "spine03": "spine3", "spine02": "spine4",
             "spine01": "chest", "neck01": "neck", "neck02": "neck", "neck03": "neck",
             "root": "pelvis"}
    if base in table:
        return table[base]
    if base.startswith(_FACE_PREFIXES):
        return "head"
    if side:
        for prefix, seg in (("breast", "chest"), ("clavicle", "chest"), ("shoulder", "chest"),
                            ("upperarm", "upperarm"), ("lowerarm", "forearm"),
                            ("wrist", "hand"), ("metacarpal", "hand"), ("finger", "hand"),
                            ("pelvis", "pelvis"), ("upperleg", "thigh"), ("lowerleg", "shank"),
                            ("foot", "foot"), ("toe", "foot")):
            if base.startswith(prefix):
                return seg if seg in ("chest", "pelvis") else f"{seg}_{side.lower()}"
    raise ValueError(f"rig bone {bone!r} has no segment")


@dataclass(frozen=True)
class BodyShape:
    """A body shape: MakeHuman macro targets plus a uniform scale to a standing height.

    The macro sliders follow MakeHuman's model (each target's weight is the product of the
    slider weights it belongs to), restricted to adults. At their defaults the extra sliders
    (age, proportions, race, leg length, hips, shoulders) add nothing, so the four named
    :data:`SHAPES` render exactly as they always did.

    Attributes:
        name: label written into the truth JSON.
        gender: 0 = female .. 1 = male (MakeHuman's macro slider; 0.5 = androgynous default).
        weight: -1 = slim .. 0 = average .. 1 = heavy.
        muscle: -1 = little muscle .. 0 = average .. 1 = muscular.
        height_m: standing height (floor to top of head) in metres after scaling.
        age: 0 = young adult (25 years) .. 1 = old (MakeHuman's 90 years; 0.7 is about 70).
        proportions: -1 = uncommon .. 0 = neutral .. 1 = ideal body proportions.
        race: (african, asian, caucasian) mix weights summing to 1; None = equal thirds.
        leg_length: -1 = short .. 1 = long legs for the height (upper and lower leg targets).
        hips: -1 = narrow .. 1 = wide hips (hip circumference target).
        shoulders: -1 = narrow .. 1 = broad shoulders (shoulder distance target).
    """

    name: str = "default"
    gender: float = 0.5
    weight: float = 0.0
    muscle: float = 0.0
    height_m: float = 1.72
    age: float = 0.0
    proportions: float = 0.0
    race: tuple[float, float, float] | None = None
    leg_length: float = 0.0
    hips: float = 0.0
    shoulders: float = 0.0

    def __post_init__(self) -> None:
        checks = (("gender", self.gender, 0.0, 1.0), ("weight", self.weight, -1.0, 1.0),
                  ("muscle", self.muscle, -1.0, 1.0), ("height_m", self.height_m, 1.0, 2.3),
                  ("age", self.age, 0.0, 1.0), ("proportions", self.proportions, -1.0, 1.0),
                  ("leg_length", self.leg_length, -1.0, 1.0), ("hips", self.hips, -1.0, 1.0),
                  ("shoulders", self.shoulders, -1.0, 1.0))
        for name, value, lo, hi in checks:
            if not lo <= value <= hi:
                raise ValueError(f"BodyShape.{name} must be in [{lo}, {hi}], got {value}")
        if self.race is not None:
            r = tuple(float(v) for v in self.race)
            if len(r) != 3 or min(r) < 0 or abs(sum(r) - 1.0) > 1e-6:
                raise ValueError(f"BodyShape.race must be 3 weights >= 0 summing to 1, got {r}")
            object.__setattr__(self, "race", r)

    def to_dict(self) -> dict:
        return asdict(self)


SHAPES: dict[str, BodyShape] = {
    "default": BodyShape(),
    "female": BodyShape("female", gender=0.0, weight=0.1, height_m=1.64),
    "male_heavy": BodyShape("male_heavy", gender=1.0, weight=0.8, muscle=0.2, height_m=1.80),
    "male_tall": BodyShape("male_tall", gender=1.0, weight=-0.4, muscle=0.4, height_m=1.90),
}

_RACES = ("african", "asian", "caucasian")


def _pair(v: float, neg: str, pos: str) -> list[tuple[str, float]]:
    """A -1..1 slider as one-sided target weights (0 -> none)."""
    return [(pos, v)] if v > 0 else [(neg, -v)] if v < 0 else []


def shape_targets(shape: BodyShape) -> list[tuple[str, float]]:
    """MakeHuman target names (see :func:`assets.load_target`) and weights for ``shape``.

    Per gender g (weight ``gender`` / ``1 - gender``) and age a (young ``1 - age``, old
    ``age``): the race targets ``<race>-<g>-<a>`` (race weight x g x a), the weight and muscle
    targets ``universal-<g>-<a>-<muscle>-<weight>`` and the proportion targets, each scaled by
    g x a. Local sliders (leg length, hips, shoulders) are added as they are.
    """
    out: list[tuple[str, float]] = []
    race = shape.race or (1.0 / 3.0,) * 3
    for g_name, g_w in (("male", shape.gender), ("female", 1.0 - shape.gender)):
        if g_w <= 0:
            continue
        for a_name, a_w in (("young", 1.0 - shape.age), ("old", shape.age)):
            w = g_w * a_w
            if w <= 0:
                continue
            for r_name, r_w in zip(_RACES, race, strict=True):
                if r_w > 0:
                    out.append((f"{r_name}-{g_name}-{a_name}", w * r_w))
            stem = f"universal-{g_name}-{a_name}"
            out += [(f"{stem}-averagemuscle-{t}", w * v) for t, v in
                    _pair(shape.weight, "minweight", "maxweight")]
            out += [(f"{stem}-{t}-averageweight", w * v) for t, v in
                    _pair(shape.muscle, "minmuscle", "maxmuscle")]
            out += [(f"proportions/{g_name}-{a_name}-averagemuscle-averageweight-{t}", w * v)
                    for t, v in _pair(shape.proportions, "uncommonproportions",
                                      "idealproportions")]
    for folder, name, v in (("legs", "upperlegs-height", shape.leg_length),
                            ("legs", "lowerlegs-height", shape.leg_length),
                            ("torso", "measure-hips-circ", shape.hips),
                            ("torso", "measure-shoulder-dist", shape.shoulders)):
        out += [(f"{folder}/{name}-{t}", v2) for t, v2 in _pair(v, "decr", "incr")]
    return out


@dataclass(frozen=True, eq=False)
class Body:
    """A shaped, unposed body ready to pose and skin (see module docstring for the frame).

    Attributes:
        shape: the :class:`BodyShape` it was built from.
        vertices: ``(N, 3)`` rest vertices in metres (body surface and eyes only).
        quads: ``(M, 4)`` vertex indices of the drawn faces.
        quad_material: ``(M,)`` index into :data:`posture_check.synth.raster.MATERIALS`.
        weights: ``(N, S)`` float32 skinning weights over :data:`SEGMENTS` (rows sum to 1).
        pivots: ``(S, 3)`` rest joint centre of each segment.
        points: rest positions of named anatomical points (joint centres, heel, toe tip, ...).
        point_segment: the segment that carries each named point rigidly.
        leg_skin, arm_skin: ``(M,)`` bool, quads of bare leg (below the shorts, above the shoes)
            and bare arm (below the sleeves, hands excluded): covered by long trousers / long
            sleeves (:class:`posture_check.synth.raster.Appearance`).
    """

    shape: BodyShape
    vertices: np.ndarray
    quads: np.ndarray
    quad_material: np.ndarray
    weights: np.ndarray
    pivots: np.ndarray
    points: dict[str, np.ndarray]
    point_segment: dict[str, str]
    leg_skin: np.ndarray
    arm_skin: np.ndarray

    def materials(self, long_trousers: bool = False, long_sleeves: bool = False) -> np.ndarray:
        """``(M,)`` material per quad for the given clothing."""
        mat = self.quad_material.copy()
        if long_trousers:
            mat[self.leg_skin] = MAT_SHORTS
        if long_sleeves:
            mat[self.arm_skin] = MAT_SHIRT
        return mat

    @property
    def thigh_m(self) -> float:
        return float(np.linalg.norm(self.points["knee_l"] - self.points["hip_l"]))

    @property
    def shank_m(self) -> float:
        return float(np.linalg.norm(self.points["ankle_l"] - self.points["knee_l"]))


# Material indices (colours live in raster.py).
MAT_SKIN, MAT_SHIRT, MAT_SHORTS, MAT_EYE, MAT_HAIR, MAT_SHOE = range(6)


@lru_cache(maxsize=32)
def build_body(shape: BodyShape = SHAPES["default"]) -> Body:
    """Shape the base mesh, scale it to ``shape.height_m`` and gather everything posing needs."""
    mesh = load_base_mesh()
    verts = mesh["vertices"].copy()
    for name, w in shape_targets(shape):
        idx, off = load_target(name)
        verts[idx] += w * off
    groups = [str(g) for g in mesh["group_names"]]
    quads, qgroup = mesh["quads"], mesh["quad_group"]

    def group_vertices(name: str) -> np.ndarray:
        return np.unique(quads[qgroup == groups.index(name)])

    cubes = {g: verts[group_vertices(g)].mean(axis=0) for g in groups if g.startswith("joint-")}

    keep = np.isin(qgroup, [groups.index(g) for g in ("body", "helper-l-eye", "helper-r-eye")])
    draw_quads = quads[keep]
    used = np.unique(draw_quads)
    remap = np.full(len(verts), -1, np.int64)
    remap[used] = np.arange(len(used))

    # metres, floor at y=0, mid-hip at x=z=0, then scale to the requested height
    body_v = verts[used] * 0.1
    cubes = {k: v * 0.1 for k, v in cubes.items()}
    floor = body_v[:, 1].min()
    mid_hip = 0.5 * (cubes["joint-l-upper-leg"] + cubes["joint-r-upper-leg"])
    origin = np.array([0.0, floor, mid_hip[2]])
    scale = shape.height_m / (body_v[:, 1].max() - floor)
    body_v = (body_v - origin) * scale
    cubes = {k: (v - origin) * scale for k, v in cubes.items()}

    # skinning weights summed per segment
    weights = np.zeros((len(verts), len(SEGMENTS)), np.float64)
    for bone, pairs in load_weights().items():
        if not pairs:
            continue
        arr = np.asarray(pairs, np.float64)
        np.add.at(weights[:, SEG[bone_segment(bone)]], arr[:, 0].astype(np.int64), arr[:, 1])
    weights = weights[used]
    weights /= np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)

    pivots = np.stack([cubes[_SEGMENT_PIVOTS[s]] for s in SEGMENTS])

    # materials by dominant segment and height
    rig_v = body_v
    dom = np.argmax(weights, axis=1)
    q = remap[draw_quads]
    qgroup_kept = qgroup[keep]
    centre = rig_v[q].mean(axis=1)
    qdom = dom[q]
    hip_y = cubes["joint-l-upper-leg"][1]
    knee_y = cubes["joint-l-knee"][1]
    shoulder_y = cubes["joint-l-shoulder"][1]
    elbow_y = cubes["joint-l-elbow"][1]
    mat = np.full(len(q), MAT_SKIN, np.int8)
    trunk = {SEG[s] for s in ("spine1", "spine2", "spine3", "spine4", "chest")}
    is_trunk = np.isin(qdom, list(trunk)).any(axis=1)
    mat[is_trunk] = MAT_SHIRT
    upperarm = np.isin(qdom, [SEG["upperarm_l"], SEG["upperarm_r"]]).all(axis=1)
    sleeve_y = shoulder_y - 0.45 * (shoulder_y - elbow_y)
    mat[upperarm & (centre[:, 1] > sleeve_y)] = MAT_SHIRT
    legs = np.isin(qdom, [SEG[s] for s in ("pelvis", "thigh_l", "thigh_r")]).any(axis=1)
    shorts_bottom = hip_y - 0.55 * (hip_y - knee_y)
    low_trunk = centre[:, 1] < hip_y + 0.12 * scale
    mat[(legs | (is_trunk & low_trunk)) & (centre[:, 1] > shorts_bottom)] = MAT_SHORTS
    feet = np.isin(qdom, [SEG["foot_l"], SEG["foot_r"]]).all(axis=1)
    ankle_y = cubes["joint-l-ankle"][1]
    mat[feet | ((centre[:, 1] < ankle_y + 0.03) & ~legs)] = MAT_SHOE
    head = (qdom == SEG["head"]).all(axis=1)
    eye_y = cubes["joint-l-eye"][1]
    eye_z = cubes["joint-l-eye"][2]
    # short hair: the scalp above the brows and the back of the head
    back_of_head = (centre[:, 2] < eye_z - 0.09 * scale) & (centre[:, 1] > eye_y - 0.08 * scale)
    hair = head & ((centre[:, 1] > eye_y + 0.045 * scale) | back_of_head)
    mat[hair] = MAT_HAIR
    eye_groups = [groups.index("helper-l-eye"), groups.index("helper-r-eye")]
    mat[np.isin(qgroup_kept, eye_groups)] = MAT_EYE

    skin = mat == MAT_SKIN
    leg_segs = [SEG[s] for s in ("thigh_l", "thigh_r", "shank_l", "shank_r")]
    leg_skin = skin & np.isin(qdom, leg_segs).all(axis=1)
    arm_segs = [SEG[s] for s in ("upperarm_l", "upperarm_r", "forearm_l", "forearm_r")]
    arm_skin = skin & np.isin(qdom, arm_segs).all(axis=1)
    points, point_segment = _anatomical_points(cubes, rig_v, weights, scale)
    return Body(shape, rig_v, q.astype(np.int32), mat, weights.astype(np.float32), pivots,
                points, point_segment, leg_skin, arm_skin)


def _anatomical_points(cubes: dict[str, np.ndarray], verts: np.ndarray, weights: np.ndarray,
                       scale: float) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Named rest points (joint centres, heel, toe tip, face points) and their carrying segment."""
    pts: dict[str, np.ndarray] = {}
    seg: dict[str, str] = {}
    dom = np.argmax(weights, axis=1)
    for s in SIDES:
        for name, cube, carrier in (("hip", "upper-leg", "pelvis"), ("knee", "knee", f"thigh_{s}"),
                                    ("ankle", "ankle", f"shank_{s}"),
                                    ("shoulder", "shoulder", "chest"),
                                    ("elbow", "elbow", f"upperarm_{s}"),
                                    ("wrist", "hand", f"forearm_{s}"),
                                    ("eye", "eye", "head"),
                                    ("index", "finger-2-4", f"hand_{s}"),
                                    ("pinky", "finger-5-4", f"hand_{s}"),
                                    ("thumb", "finger-1-4", f"hand_{s}")):
            pts[f"{name}_{s}"] = cubes[f"joint-{s}-{cube}"]
            seg[f"{name}_{s}"] = carrier
        sign = 1.0 if s == "l" else -1.0
        foot = np.flatnonzero((dom == SEG[f"foot_{s}"]) & (verts[:, 0] * sign > 0))
        fv = verts[foot]
        sole = fv[fv[:, 1] < fv[:, 1].min() + 0.015]
        # back of the heel at the floor: rearmost sole vertex; toe tip of the 2nd toe: the
        # frontmost foot vertex near the 2nd toe's joint line
        heel = sole[np.argmin(sole[:, 2])].copy()
        toe2 = cubes[f"joint-{s}-toe-2-4"] if f"joint-{s}-toe-2-4" in cubes else \
            cubes[f"joint-{s}-toe-2-3"]
        near = fv[np.abs(fv[:, 0] - toe2[0]) < 0.008]
        tip = near[np.argmax(near[:, 2])].copy()
        heel[1] = 0.0
        tip[1] = 0.0
        pts[f"heel_{s}"], pts[f"toe_{s}"] = heel, tip
        seg[f"heel_{s}"] = seg[f"toe_{s}"] = f"foot_{s}"
        # ear: most lateral head vertex at eye height, behind the eye
        head = np.flatnonzero((dom == SEG["head"]) & (verts[:, 0] * sign > 0))
        hv = verts[head]
        eye = cubes[f"joint-{s}-eye"]
        band = hv[np.abs(hv[:, 1] - (eye[1] - 0.02 * scale)) < 0.015]
        pts[f"ear_{s}"] = band[np.argmax(band[:, 0] * sign)].copy()
        seg[f"ear_{s}"] = "head"
        pts[f"mouth_{s}"] = np.array([sign * 0.022 * scale, eye[1] - 0.075 * scale, eye[2]])
        seg[f"mouth_{s}"] = "head"
    head = np.flatnonzero(dom == SEG["head"])
    hv = verts[head]
    centre_line = hv[np.abs(hv[:, 0]) < 0.01]
    pts["nose"] = centre_line[np.argmax(centre_line[:, 2])].copy()
    seg["nose"] = "head"
    for s in SIDES:  # mouth corners just in front of the face surface line of the nose tip
        pts[f"mouth_{s}"][2] = pts["nose"][2] - 0.02 * scale
    return pts, seg
