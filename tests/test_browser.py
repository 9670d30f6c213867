"""End to end in a real browser: headless Chromium's fake camera plays a rendered clip whose
angles are known into the live check of the running app; the live measures must match."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import cv2
import pytest

from posture_check.video_io import iter_frames

REPO = Path(__file__).resolve().parents[1]
CLIP = REPO / "sample_videos" / "lean_left8_front.mp4"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"

pytestmark = pytest.mark.browser


def write_y4m(video: Path, out: Path) -> tuple[int, int]:
    """Convert a clip to the uncompressed .y4m Chromium's fake camera plays (4:2:0)."""
    frames = [rgb for _, rgb in iter_frames(video)]
    h, w = frames[0].shape[:2]
    with open(out, "wb") as fh:
        fh.write(f"YUV4MPEG2 W{w} H{h} F30:1 Ip A1:1 C420jpeg\n".encode())
        for rgb in frames:
            fh.write(b"FRAME\n")
            fh.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420).tobytes())
    return w, h


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def app_url(model_path, tmp_path):
    port = free_port()
    log = open(tmp_path / "streamlit.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("streamlit did not start: " + (tmp_path / "streamlit.log").read_text())
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def test_live_check_in_headless_chromium_matches_the_clip_labels(app_url, tmp_path):
    from playwright.sync_api import sync_playwright

    y4m = tmp_path / "camera.y4m"
    write_y4m(CLIP, y4m)
    truth = json.loads(CLIP.with_suffix(".json").read_text())["summary"]
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={y4m}", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run"])
        context = browser.new_context(permissions=["camera"], viewport={"width": 1400,
                                                                        "height": 1000})
        page = context.new_page()
        page.goto(app_url, wait_until="networkidle")
        page.get_by_text("Live check", exact=True).click()
        page.get_by_role("heading", name="Live check").wait_for(timeout=60_000)
        frame = page.frame_locator("iframe[title*='streamlit_webrtc']").first
        frame.get_by_role("button", name=re.compile("start", re.I)).click(timeout=60_000)

        pattern = re.compile(r"frames processed:\s*(\d+)")
        lean_re = re.compile(r"Lean[^\n]*?\s([+-]\d+\.\d)\s*deg")
        processed, lean = 0, None
        start = time.monotonic()
        retried = False
        while time.monotonic() < start + 90:
            text = page.inner_text("body")
            if not retried and time.monotonic() > start + 30 and not pattern.search(text):
                # the WebRTC handshake was lost (seen once under load): press Start again
                retried = True
                start_button = frame.get_by_role("button", name=re.compile("start", re.I))
                if start_button.count():
                    start_button.first.click(timeout=10_000)
            m = pattern.search(text)
            processed = int(m.group(1)) if m else 0
            lm = lean_re.search(text)
            lean = float(lm.group(1)) if lm else None
            if processed >= 60 and lean is not None:
                break
            time.sleep(1.0)
        time.sleep(2.0)  # let the smoothed value settle, then read once more
        text = page.inner_text("body")
        lm = lean_re.search(text)
        lean = float(lm.group(1)) if lm else lean
        page.screenshot(path=str(ARTIFACTS / "live_check.png"), full_page=True)
        browser.close()
    assert processed >= 60, f"only {processed} frames processed:\n{text[:2000]}"
    assert lean is not None, text[:2000]
    assert lean == pytest.approx(truth["lateral_lean"], abs=2.5)
