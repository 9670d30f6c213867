"""The pose model: build ``pose_landmarker_full.task`` offline from a registry package.

The newest ``mediapipe`` wheel ships no model and Google's model host may be unreachable, but the
``mediapipe==0.10.21`` wheel on PyPI carries the two BlazePose networks of the legacy pipeline.
:func:`ensure_model` turns them into a Tasks-API bundle, once:

1. ``pip download --no-deps --only-binary=:all: mediapipe==0.10.21`` into the cache (never
   installed; any platform tag will do since only the ``.tflite`` files are read). The cached
   wheel is verified against its own pinned sha256 (:data:`DONOR_WHEEL_SHA256`; a platform not
   pinned there gets a CRC check of every member) before each use, and a damaged one is deleted
   and fetched once more (:func:`posture_check.pose.wheels.fetch_wheel`);
2. extract ``pose_detection.tflite`` and ``pose_landmark_full.tflite`` and check their pinned
   sha256;
3. add TFLite metadata to the landmark network (image input, RGB, normalization mean 0 / std 255,
   five plain feature outputs), which the Tasks API requires and the legacy file lacks;
4. write both into an uncompressed, 4-byte aligned zip (``.task``) atomically, with a
   ``.sha256`` stamp beside it so a truncated or edited bundle is rebuilt, not loaded.

A bundle built this way matches the legacy pipeline's landmarks to within 0.01 (normalized image
units; see ``tests/test_model.py``). Any official ``pose_landmarker_{lite,full,heavy}.task`` works
as well: pass its path as ``model_path``.

Where the bundle lives: ``$POSTURE_CHECK_MODEL_DIR`` if set, else ``models/`` of the source
checkout this package runs from, else ``~/.cache/posture-check/models``.
"""

from __future__ import annotations

import logging
import os
import zipfile
import zlib
from pathlib import Path

from posture_check.atomic import atomic_path, bytes_sha256, write_text_atomic
from posture_check.errors import ModelError
from posture_check.pose.wheels import WheelDamagedError, WheelDownloadError, cache_dir, fetch_wheel

log = logging.getLogger(__name__)

DONOR_PACKAGE = "mediapipe==0.10.21"
DEFAULT_MODEL_NAME = "pose_landmarker_full.task"

# bundle member -> (path inside the donor wheel, sha256 of that file)
DONOR_MEMBERS: dict[str, tuple[str, str]] = {
    "pose_detector.tflite": (
        "mediapipe/modules/pose_detection/pose_detection.tflite",
        "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
    ),
    "pose_landmarks_detector.tflite": (
        "mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
        "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
    ),
}
BUNDLE_MEMBERS = frozenset(DONOR_MEMBERS)
# sha256 of the donor wheel files themselves, as pip downloaded them from PyPI
# (Linux x86_64 wheels of the interpreters we support; pip picks the one of the running Python)
DONOR_WHEEL_SHA256: dict[str, str] = {
    "mediapipe-0.10.21-cp310-cp310-manylinux_2_28_x86_64.whl":
        "b838d2fc85e7b17e7dd3ceabf2d5b832f6834438c8065506cd2d4ef0aa9f83cc",
    "mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl":
        "05dc4a9e593655a79558d05d6227d31018c2537a4bd3362b51e230cf22aecfe3",
    "mediapipe-0.10.21-cp312-cp312-manylinux_2_28_x86_64.whl":
        "956eb1ebc275c629e61b085b2cab89c3a5b9e93bad1bb107348d98dafb5a4bb5",
}
_ZIP_ALIGNMENT = 4
_LANDMARK_OUTPUT_NAMES = ("landmarks", "pose_flag", "segmentation", "heatmap", "world_landmarks")


def model_dir() -> Path:
    """Folder of the built bundle (see module docstring for the order of choice)."""
    if env := os.environ.get("POSTURE_CHECK_MODEL_DIR"):
        return Path(env)
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / "posture_check").is_dir():
        return checkout / "models"
    return cache_dir() / "models"


def default_model_path() -> Path:
    return model_dir() / DEFAULT_MODEL_NAME


def ensure_model(model_path: str | os.PathLike[str] | None = None) -> Path:
    """Return a loadable ``.task`` path, building the default bundle on first use.

    An explicit ``model_path`` (an official or self-built bundle) is checked, never rebuilt.

    Raises:
        ModelError: the file is missing or not a pose landmarker bundle, or the default bundle
            cannot be built (no network for the donor wheel, corrupt download, wrong hash).
    """
    if model_path is not None:
        path = Path(model_path)
        check_bundle(path)
        return path
    path = default_model_path()
    stamp = path.with_name(path.name + ".sha256")
    if path.is_file() and stamp.is_file():
        if bytes_sha256(path.read_bytes()) == stamp.read_text().strip():
            return path
        log.warning("%s does not match its stamp; rebuilding it", path)
    build_bundle(path)
    return path


def check_bundle(path: Path) -> None:
    """Raise :class:`ModelError` unless ``path`` is a zip holding the two pose networks."""
    if not path.is_file():
        raise ModelError(f"model file not found: {path}")
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelError(f"{path} is not a MediaPipe .task bundle ({exc})") from exc
    if not names >= BUNDLE_MEMBERS:
        raise ModelError(
            f"{path} is not a pose landmarker bundle: expected members {sorted(BUNDLE_MEMBERS)}, "
            f"found {sorted(names)}"
        )


def build_bundle(path: Path, wheel: Path | None = None) -> None:
    """Build the bundle at ``path`` from the donor wheel (downloaded if ``wheel`` is None)."""
    wheel = wheel or download_donor_wheel()
    members = extract_donor_members(wheel)
    members["pose_landmarks_detector.tflite"] = add_landmark_metadata(
        members["pose_landmarks_detector.tflite"]
    )
    with atomic_path(path) as tmp:
        write_task_bundle(members, tmp)
        digest = bytes_sha256(tmp.read_bytes())
    write_text_atomic(path.with_name(path.name + ".sha256"), digest + "\n")
    log.info("built %s from %s", path, wheel.name)


def download_donor_wheel(dest: Path | None = None) -> Path:
    """Fetch the donor wheel with pip (cached); raise :class:`ModelError` if it cannot."""
    try:
        return fetch_wheel(DONOR_PACKAGE, "mediapipe-0.10.21-*.whl", dest,
                           "to build the pose model", sha256=DONOR_WHEEL_SHA256)
    except WheelDamagedError as exc:
        raise ModelError(f"could not build the pose model: {exc}") from exc
    except WheelDownloadError as exc:
        damaged = " (the cached copy was damaged and has been deleted)" if exc.damaged else ""
        raise ModelError(
            f"could not download {DONOR_PACKAGE}{damaged} to build the pose model (is PyPI "
            "reachable?). "
            f"pip said: {exc.pip_output}. Alternatively pass --model PATH to an "
            "official pose_landmarker .task file."
        ) from exc


def extract_donor_members(wheel: Path) -> dict[str, bytes]:
    """Read the two networks from the donor wheel and verify their pinned sha256."""
    members: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(wheel) as zf:
            for name, (inner, digest) in DONOR_MEMBERS.items():
                data = zf.read(inner)
                if bytes_sha256(data) != digest:
                    raise ModelError(
                        f"{wheel}: {inner} has sha256 {bytes_sha256(data)}, expected {digest}; "
                        f"delete {wheel} and try again"
                    )
                members[name] = data
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError) as exc:
        raise ModelError(f"{wheel} is corrupt or not the expected wheel ({exc}); delete it and "
                         "try again") from exc
    return members


def add_landmark_metadata(model: bytes) -> bytes:
    """Return the landmark network with the TFLite metadata the Tasks API needs.

    Written with the flatbuffer modules mediapipe ships (its ``MetadataWriter`` fails to import
    in mediapipe 1.2.x): an RGB image input normalized as ``(pixel - 0) / 255`` and the five
    outputs as plain feature tensors, in the network's output order.
    """
    import flatbuffers
    from mediapipe.tasks.metadata import metadata_schema_py_generated as meta_fb
    from mediapipe.tasks.metadata import schema_py_generated as schema_fb

    def feature_tensor(name: str) -> meta_fb.TensorMetadataT:
        tensor = meta_fb.TensorMetadataT()
        tensor.name = name
        tensor.content = meta_fb.ContentT()
        tensor.content.contentPropertiesType = meta_fb.ContentProperties.FeatureProperties
        tensor.content.contentProperties = meta_fb.FeaturePropertiesT()
        return tensor

    image = meta_fb.TensorMetadataT()
    image.name = "image"
    image.content = meta_fb.ContentT()
    image.content.contentPropertiesType = meta_fb.ContentProperties.ImageProperties
    image.content.contentProperties = meta_fb.ImagePropertiesT()
    image.content.contentProperties.colorSpace = meta_fb.ColorSpaceType.RGB
    norm = meta_fb.ProcessUnitT()
    norm.optionsType = meta_fb.ProcessUnitOptions.NormalizationOptions
    norm.options = meta_fb.NormalizationOptionsT()
    norm.options.mean, norm.options.std = [0.0], [255.0]
    image.processUnits = [norm]
    image.stats = meta_fb.StatsT()
    image.stats.min, image.stats.max = [0.0], [1.0]

    subgraph = meta_fb.SubGraphMetadataT()
    subgraph.inputTensorMetadata = [image]
    subgraph.outputTensorMetadata = [feature_tensor(n) for n in _LANDMARK_OUTPUT_NAMES]
    metadata = meta_fb.ModelMetadataT()
    metadata.name = "BlazePose GHUM 3D full (pose_landmark_full.tflite, mediapipe 0.10.21)"
    metadata.minParserVersion = "1.0.0"
    metadata.subgraphMetadata = [subgraph]
    builder = flatbuffers.Builder(0)
    builder.Finish(metadata.Pack(builder), b"M001")
    metadata_buf = bytes(builder.Output())

    tflite = schema_fb.ModelT.InitFromObj(schema_fb.Model.GetRootAsModel(model, 0))
    buffer = schema_fb.BufferT()
    buffer.data = list(metadata_buf)
    tflite.buffers.append(buffer)
    entry = schema_fb.MetadataT()
    entry.name = "TFLITE_METADATA"
    entry.buffer = len(tflite.buffers) - 1
    tflite.metadata = [m for m in (tflite.metadata or []) if m.name != b"TFLITE_METADATA"]
    tflite.metadata.append(entry)
    builder = flatbuffers.Builder(len(model) + len(metadata_buf) + 1024)
    builder.Finish(tflite.Pack(builder), b"TFL3")
    return bytes(builder.Output())


def write_task_bundle(members: dict[str, bytes], path: Path) -> None:
    """Write an uncompressed zip whose members start on 4-byte boundaries (MediaPipe mmaps them)."""
    with open(path, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED) as zf:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            header_len = 30 + len(name.encode("utf-8"))  # fixed local header + file name
            pad = (-(fh.tell() + header_len + 4)) % _ZIP_ALIGNMENT
            # Pad with an extra field so the member data is aligned without stray bytes.
            info.extra = b"\xfe\xca" + (pad).to_bytes(2, "little") + b"\x00" * pad
            zf.writestr(info, members[name])
