"""The app's "Analyse a video" page (Streamlit): a sample clip or an upload, the options, the
result and its downloads. Thin over :func:`posture_check.analysis.pipeline.analyze`."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from posture_check.analysis.pipeline import analyze
from posture_check.analysis.results import AnalysisOptions
from posture_check.errors import PostureCheckError
from posture_check.history import recording_sha256
from posture_check.presentation import error_text
from posture_check.stretch import CATALOGUE
from posture_check.stretch.catalogue import stretch_title
from posture_check.ui import history_page
from posture_check.ui.result_view import prepare, show_result

__all__ = ["analysis_page", "sample_title"]

DEFAULT_SAMPLE = "foot_turnout_right30_left5_front.mp4"
MAX_UPLOAD_MB = 500  # must match server.maxUploadSize in .streamlit/config.toml
UPLOAD_TYPES = ["mp4", "mov", "avi", "webm", "mkv", "m4v", "jpg", "jpeg", "png"]


def sample_title(sample_dir: Path, name: str) -> str:
    """A sample clip by what it shows (its label file's description, first sentence, without
    the parenthesised machine names)."""
    try:
        text = json.loads((sample_dir / name).with_suffix(".json").read_text())["description"]
    except (OSError, ValueError, KeyError):
        return Path(name).stem.replace("_", " ")
    text = re.sub(r"\s*\([^)]*\)?", "", str(text)).strip()
    return text.split(". ")[0].rstrip(".") or Path(name).stem.replace("_", " ")


def _run(path: Path, options: AnalysisOptions) -> dict:
    """Analyse ``path`` and render every download and picture in memory (the file may be
    deleted after). Computed once per input and options (see :func:`_cached`)."""
    bar = st.progress(0.0, text="Finding the body in each frame...")
    try:
        def progress(done: int, total: int) -> None:
            if total:
                bar.progress(min(done / total, 1.0), text=f"Frame {done} of {total}")

        result = analyze(path, options, progress=progress)
        sha256 = recording_sha256(path)  # for "Save to my progress": an upload goes after this
        bar.progress(1.0, text="Writing the reports...")
        done = prepare(result, since=history_page.report_since(result))
        return {**done, "sha256": sha256}
    finally:
        bar.empty()  # the progress label goes away, also on an error


def _cached(key: tuple, compute: Callable[[], dict]) -> dict:
    """The analysis of one input with one set of options, computed once per session: reruns
    (a download click, a widget change) reuse it. Keeps the last three."""
    cache: dict = st.session_state.setdefault("analysis_cache", {})
    if key not in cache:
        cache[key] = compute()
        while len(cache) > 3:
            cache.pop(next(iter(cache)))
    return cache[key]


def _choose_input(sample_dir: Path):
    """The sample picked or the file uploaded (outside the form, so a new choice reruns the
    page and the result of another input is never shown as this one's)."""
    source = st.radio("Source", ["Sample video", "Upload a file"], horizontal=True)
    if source == "Sample video":
        samples = sorted(p.name for p in sample_dir.glob("*.mp4"))
        index = samples.index(DEFAULT_SAMPLE) if DEFAULT_SAMPLE in samples else 0
        sample = st.selectbox("Sample video (rendered, with known angles)", samples,
                              index=index, format_func=lambda n: sample_title(sample_dir, n))
        return sample, None
    upload = st.file_uploader(
        f"Video (mp4, mov, avi, webm) or photo (jpg, png), up to {MAX_UPLOAD_MB} MB. "
        "It stays on this computer and is deleted after the analysis.", type=UPLOAD_TYPES)
    return None, upload


def analysis_page(sample_dir: Path) -> None:
    """The page; ``sample_dir`` holds the rendered sample clips offered without a camera."""
    st.header("Analyse a video or a photo")
    sample, upload = _choose_input(sample_dir)
    chosen = sample if upload is None else Path(upload.name).name
    with st.form("analysis-form"):
        stretch = st.selectbox("Stretch to check (optional)", ["none", *CATALOGUE],
                               format_func=stretch_title)
        pain = st.selectbox("Side of the pain (optional)", ["not said", "left", "right"])
        submitted = st.form_submit_button("Analyse", type="primary")
    if submitted:
        options = AnalysisOptions(stretch=None if stretch == "none" else stretch,
                                  pain_side=None if pain == "not said" else pain,
                                  baseline=history_page.analysis_baseline())
        path = None
        try:
            if upload is not None:
                key = ("upload", upload.file_id, upload.size, repr(options))

                def compute() -> dict:
                    nonlocal path
                    with tempfile.TemporaryDirectory(prefix="posture-check-upload-") as tmp:
                        path = Path(tmp) / str(chosen)
                        path.write_bytes(upload.getbuffer())
                        return _run(path, options)

                st.session_state["analysis"] = _cached(key, compute)
            elif sample:
                p = sample_dir / sample
                key = ("sample", sample, p.stat().st_mtime_ns, repr(options))
                st.session_state["analysis"] = _cached(key, lambda: _run(p, options))
            else:
                st.warning("Choose a file first.")
        except PostureCheckError as exc:
            st.session_state.pop("analysis", None)
            shown = chosen if upload is not None else None
            st.error(f"Could not analyse {shown or 'this file'}: {error_text(exc, path, shown)}")
    done = st.session_state.get("analysis")
    if not done:
        return
    analysed = done["result"].input.file_name
    if chosen and analysed != chosen:  # another input is chosen: say whose result this is
        st.info(f"The result below is of **{analysed}**. Press Analyse for the input chosen "
                "above.")
    show_result(done, key="analysis")
    history_page.save_control(done["result"], key="analysis", source_sha256=done.get("sha256"))
