"""posture-check in the browser: live webcam check, video analysis and report downloads.

Run with ``make run`` (``streamlit run app.py``; bound to localhost, no usage statistics: see
``.streamlit/config.toml``). This file only wires the pages of :mod:`posture_check.ui`; every
measurement, check and report comes from the ``posture_check`` library. Video never leaves
this machine: the webcam stream goes from the browser to this local server only, and an
uploaded file lives in a temporary folder removed as soon as its analysis is done.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from posture_check.ui import history_page
from posture_check.ui.analysis_page import analysis_page
from posture_check.ui.live_page import live_page

SAMPLE_DIR = Path(__file__).resolve().parent / "sample_videos"


def main() -> None:
    st.set_page_config(page_title="posture-check", page_icon="🧍", layout="wide")
    st.title("posture-check")
    st.caption("Foot turn-out, leaning, pelvic tilt and stretch form from a camera. "
               "Everything runs on this computer.")
    page = st.sidebar.radio("Page", ["Analyse a video", "Live check", "My progress"])
    history_page.profile_picker()
    if page == "Live check":
        live_page()
    elif page == "My progress":
        history_page.progress_page()
    else:
        analysis_page(SAMPLE_DIR)


main()
