"""Rasterize the posed mesh: painter's algorithm (back to front) with Lambert shading.

Back faces are culled, the remaining quads are sorted by camera depth and filled far-to-near with
OpenCV's ``fillConvexPoly`` at 1/16 pixel precision. At 480x640 this is a few thousand small
polygons per frame. The floor is a per-pixel ray/plane intersection computed once per camera.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache

import cv2
import numpy as np

from posture_check.synth.camera import Camera
from posture_check.synth.rig import MAT_EYE, MAT_HAIR, MAT_SHIRT, MAT_SHOE, MAT_SHORTS, MAT_SKIN

_SHIFT = 4  # fillConvexPoly sub-pixel bits


@dataclass(frozen=True)
class Appearance:
    """Colours (RGB 0..255), lighting and image degradations.

    Attributes:
        background_rgb: wall colour. floor_rgb: floor colour (None = no floor, plain background).
        skin_rgb, shirt_rgb, shorts_rgb, hair_rgb, shoe_rgb, eye_rgb: material colours.
        ambient: share of light that is not directional (0..1).
        key_up, key_side: direction of the key light: the camera direction plus ``key_up`` x up
            plus ``key_side`` x sideways (positive = from the camera's left; negative = right).
        wall_distance_m: a flat wall this far behind the subject (world plane z = -d), with a
            darker skirting board and ``wall_edges_m`` vertical door-frame edges (world x:
            + = the subject's left), the straight lines a real room has; None = no wall.
        wall_edges_m: x positions (metres) of vertical frame strips (each 6 cm wide, 2.1 m
            high) on the wall.
        long_trousers, long_sleeves: clothing covers the legs down to the shoes / the arms
            down to the wrists (in the shorts / shirt colour).
        print_rgb: a print on the shirt and the shorts / trousers in this second colour (None =
            plain clothes): ``print_kind`` ``"stripes"`` (horizontal) or ``"checks"``,
            ``print_period_m`` metres per colour pair on the body (the print moves with it).
        clutter: this many coloured blocks (shelves, books, frames, posters) on the wall, placed
            by ``seed``: a busy background (needs a wall).
        noise_std: standard deviation of Gaussian pixel noise (0..255 scale); 0 = none.
        blur_px: Gaussian blur sigma in pixels; 0 = none.
        seed: seed of the noise generator (per frame it is combined with the frame index).
    """

    background_rgb: tuple[int, int, int] = (200, 205, 212)
    floor_rgb: tuple[int, int, int] | None = (150, 140, 128)
    skin_rgb: tuple[int, int, int] = (224, 172, 140)
    shirt_rgb: tuple[int, int, int] = (40, 90, 170)
    shorts_rgb: tuple[int, int, int] = (50, 50, 58)
    hair_rgb: tuple[int, int, int] = (60, 42, 30)
    shoe_rgb: tuple[int, int, int] = (235, 235, 235)
    eye_rgb: tuple[int, int, int] = (25, 20, 18)
    ambient: float = 0.38
    key_up: float = 0.9
    key_side: float = 0.35
    long_trousers: bool = False
    long_sleeves: bool = False
    wall_distance_m: float | None = None
    wall_edges_m: tuple[float, ...] = ()
    print_rgb: tuple[int, int, int] | None = None
    print_kind: str = "stripes"
    print_period_m: float = 0.08
    clutter: int = 0
    noise_std: float = 0.0
    blur_px: float = 0.0
    seed: int = 0

    def to_dict(self) -> dict:
        """The fields as a dict; the print's and the clutter's only when used, so the labels
        of plain renders (``sample_videos/``) read as before they existed."""
        d = asdict(self)
        if self.print_rgb is None:
            for k in ("print_rgb", "print_kind", "print_period_m"):
                del d[k]
        if not self.clutter:
            del d["clutter"]
        return d

    def material_colours(self) -> np.ndarray:
        table = np.zeros((6, 3))
        for idx, rgb in ((MAT_SKIN, self.skin_rgb), (MAT_SHIRT, self.shirt_rgb),
                         (MAT_SHORTS, self.shorts_rgb), (MAT_EYE, self.eye_rgb),
                         (MAT_HAIR, self.hair_rgb), (MAT_SHOE, self.shoe_rgb)):
            table[idx] = rgb
        return table


@lru_cache(maxsize=16)
def _backdrop(camera: Camera, background: tuple[int, int, int],
              floor: tuple[int, int, int] | None, wall_distance_m: float | None = None,
              wall_edges_m: tuple[float, ...] = (), clutter: int = 0,
              seed: int = 0) -> np.ndarray:
    """Background image: wall colour (flat or a wall plane with door-frame strips, a
    skirting board and ``clutter`` coloured blocks placed by ``seed``), shaded floor below it."""
    w, h = camera.size
    img = np.empty((h, w, 3), np.uint8)
    img[:] = background
    rot, _ = camera.world_to_camera()
    f = camera.focal_px
    u, v = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
    rays_cam = np.stack([(u - w / 2) / f, (v - h / 2) / f, np.ones_like(u)], axis=-1)
    rays = rays_cam @ rot  # camera -> world directions (rot is orthonormal)
    c = camera.centre()
    wall_t = np.full((h, w), np.inf)
    if wall_distance_m is not None:
        toward = rays[..., 2] < -1e-6  # the wall is at z = -d, behind the subject
        wall_t = np.where(toward, (-wall_distance_m - c[2]) / np.where(toward, rays[..., 2], -1.0),
                          np.inf)
    if floor is not None:
        down = rays[..., 1] < -1e-6
        dist = np.where(down, -c[1] / np.where(down, rays[..., 1], -1.0), np.inf)
        hit = c + rays * dist[..., None]
        r = np.hypot(hit[..., 0], hit[..., 2])
        on_floor = down & (r < 12.0) & (dist < wall_t)
        shade = np.clip(1.05 - 0.05 * r, 0.6, 1.05)
        floor_img = np.clip(np.asarray(floor, float) * shade[..., None], 0, 255)
        img[on_floor] = floor_img[on_floor].astype(np.uint8)
    if wall_distance_m is not None:
        on_wall = np.isfinite(wall_t)
        if floor is not None:
            on_wall &= ~on_floor
        hit = c + rays * np.where(on_wall, wall_t, 0.0)[..., None]
        bg = np.asarray(background, float)
        skirting = on_wall & (hit[..., 1] < 0.1)
        img[skirting] = np.clip(bg * 0.7, 0, 255).astype(np.uint8)
        for x0 in wall_edges_m:
            strip = on_wall & (np.abs(hit[..., 0] - x0) < 0.03) & (hit[..., 1] < 2.1)
            img[strip] = np.clip(bg * 0.55 + 20, 0, 255).astype(np.uint8)
        rng = np.random.default_rng([seed, 7])
        for _ in range(clutter):  # books, frames, posters: axis-aligned blocks on the wall
            x0, y0 = rng.uniform(-3.0, 3.0), rng.uniform(0.2, 2.0)
            bw, bh = rng.uniform(0.05, 0.6), rng.uniform(0.05, 0.5)
            block = (on_wall & (np.abs(hit[..., 0] - x0) < bw / 2)
                     & (np.abs(hit[..., 1] - y0) < bh / 2))
            img[block] = rng.integers(10, 245, 3).astype(np.uint8)
    return img


def _printed(material: np.ndarray, rest: np.ndarray, appearance: Appearance) -> np.ndarray:
    """``(M,)`` True where a quad of the clothes shows the print's second colour."""
    half = appearance.print_period_m / 2
    band = np.floor(rest[:, 1] / half).astype(np.int64)
    if appearance.print_kind == "checks":
        band += np.floor(rest[:, 0] / half).astype(np.int64)
    elif appearance.print_kind != "stripes":
        raise ValueError(f"print_kind must be 'stripes' or 'checks', got {appearance.print_kind!r}")
    clothes = (material == MAT_SHIRT) | (material == MAT_SHORTS)
    return clothes & (band % 2 == 1)


def quad_normals(verts: np.ndarray, quads: np.ndarray) -> np.ndarray:
    """Unit normals of quads (from the diagonals' cross product)."""
    v = verts[quads]
    n = np.cross(v[:, 2] - v[:, 0], v[:, 3] - v[:, 1])
    return n / np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)


def rasterize(verts: np.ndarray, quads: np.ndarray, material: np.ndarray, camera: Camera,
              appearance: Appearance, outward_sign: float = 1.0,
              frame_index: int = 0, rest_verts: np.ndarray | None = None) -> np.ndarray:
    """Draw the mesh; returns an RGB uint8 ``(height, width, 3)`` image.

    Args:
        verts: ``(N, 3)`` posed vertices, world frame (metres).
        quads: ``(M, 4)`` vertex indices; material: ``(M,)`` material index per quad.
        outward_sign: +1 if ``quad_normals`` point out of the body for this mesh, else -1.
        frame_index: mixed into the noise seed so noise differs between frames.
        rest_verts: ``(N, 3)`` the vertices in the rest pose (metres), where a print
            (``appearance.print_rgb``) is laid out; None = plain clothes.
    """
    img = _backdrop(camera, tuple(appearance.background_rgb),
                    None if appearance.floor_rgb is None else tuple(appearance.floor_rgb),
                    appearance.wall_distance_m, tuple(appearance.wall_edges_m),
                    appearance.clutter,
                    appearance.seed if appearance.clutter else 0).copy()  # one plain backdrop
    normals = quad_normals(verts, quads) * outward_sign
    centres = verts[quads].mean(axis=1)
    cam_c = camera.centre()
    facing = np.einsum("ij,ij->i", normals, cam_c - centres) > 0
    uv, depth = camera.project(verts)
    qdepth = depth[quads].mean(axis=1)
    keep = facing & (depth[quads].min(axis=1) > 0.05)
    idx = np.flatnonzero(keep)
    idx = idx[np.argsort(-qdepth[idx], kind="stable")]

    # Lambert: a key light from above-front-left of the camera plus ambient
    to_cam = cam_c - np.array([0.0, 1.0, 0.0])
    to_cam /= np.linalg.norm(to_cam)
    light = (to_cam + np.array([0.0, appearance.key_up, 0.0])
             + appearance.key_side * np.cross([0.0, 1.0, 0.0], to_cam))
    light /= np.linalg.norm(light)
    lambert = np.clip(normals[idx] @ light, 0.0, 1.0)
    shade = appearance.ambient + (1.0 - appearance.ambient) * lambert
    table = appearance.material_colours()
    base = table[material[idx]]
    if appearance.print_rgb is not None and rest_verts is not None:
        rest = rest_verts[quads[idx]].mean(axis=1)
        base = np.where(_printed(material[idx], rest, appearance)[:, None],
                        np.asarray(appearance.print_rgb, float), base)
    colours = base * shade[:, None]
    colours = np.clip(colours, 0, 255).astype(np.int32).tolist()
    pts = np.round((uv[quads[idx]] - 0.5) * (1 << _SHIFT)).astype(np.int32)  # pixel centres
    w, h = camera.size
    lim = (1 << _SHIFT) * 4 * max(w, h)
    np.clip(pts, -lim, lim, out=pts)
    fill = cv2.fillConvexPoly
    for poly, colour in zip(pts, colours, strict=True):
        fill(img, poly, colour, cv2.LINE_8, _SHIFT)

    if appearance.blur_px > 0:
        img = cv2.GaussianBlur(img, (0, 0), appearance.blur_px)
    if appearance.noise_std > 0:
        rng = np.random.default_rng([appearance.seed, frame_index])
        noisy = img.astype(np.float32) + rng.normal(0.0, appearance.noise_std, img.shape)
        img = np.clip(noisy, 0, 255).astype(np.uint8)
    return img
