"""The app in a real browser: the running app (a real Streamlit server on a free localhost
port, fixtures ``app``, ``app_url``, ``db``), headless Chromium with a fake camera playing a
``.y4m``, and the steps a person takes on the live page. Loaded as a pytest plugin by
tests/conftest.py, so the fixtures need no import."""

from __future__ import annotations

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

from posture_check.pose.video_io import iter_frames, probe_video

REPO = Path(__file__).resolve().parents[2]
CLIP = REPO / "sample_videos" / "lean_left8_front.mp4"
STANDING = REPO.parent / "shared" / "real_media" / "standing_front.mp4"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"



def write_y4m(video: Path, out: Path) -> tuple[int, int]:
    """Convert a clip to the uncompressed .y4m Chromium's fake camera plays (4:2:0, the clip's
    own frame rate; Chromium loops it)."""
    fps = max(1, round(probe_video(video).fps))
    frames = [rgb for _, rgb in iter_frames(video)]
    h, w = frames[0].shape[:2]
    w2, h2 = w - w % 2, h - h % 2
    with open(out, "wb") as fh:
        fh.write(f"YUV4MPEG2 W{w2} H{h2} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for rgb in frames:
            fh.write(b"FRAME\n")
            fh.write(cv2.cvtColor(rgb[:h2, :w2], cv2.COLOR_RGB2YUV_I420).tobytes())
    return w2, h2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class App:
    def __init__(self, url: str, proc: subprocess.Popen, log: Path) -> None:
        self.url, self.proc, self.log = url, proc, log

    def udp_sockets(self) -> list[str]:
        """Local addresses of the server process's UDP sockets (``ss -uanp``)."""
        out = subprocess.run(["ss", "-uanp"], capture_output=True, text=True, check=True).stdout
        pid = f"pid={self.proc.pid},"
        return [line.split()[3] for line in out.splitlines()[1:] if pid in line]


@pytest.fixture()
def app(model_path, tmp_path):
    port = free_port()
    log_path = tmp_path / "streamlit.log"
    log = open(log_path, "w")  # noqa: SIM115 (closed below)
    env = {k: v for k, v in os.environ.items() if k != "POSTURE_CHECK_MEDIA"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env={**env, "PYTHONUNBUFFERED": "1"})
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
        pytest.fail("streamlit did not start: " + log_path.read_text())
    yield App(url, proc, log_path)
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture()
def app_url(app) -> str:
    """The running app's address (for tests that need only the page)."""
    return app.url


# headless Chromium on this machine's closed network (see the env notes in the README)
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run")


def plain_page(pw, url: str):
    """(browser, page) of Chromium opened at ``url``, no camera."""
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url, wait_until="networkidle")
    return browser, page


def open_browser(pw, y4m: Path):
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={y4m}", *CHROMIUM_ARGS])
    context = browser.new_context(permissions=["camera"], viewport={"width": 1400,
                                                                    "height": 1000})
    return browser, context.new_page()


FRAMES_RE = re.compile(r"frames processed:\s*(\d+)")


def start_live(page, url: str, mode: str | None = None) -> object:
    """Open the live page, choose ``mode`` (its label), press Start; returns the webrtc frame."""
    page.goto(url, wait_until="networkidle")
    page.get_by_text("Live check", exact=True).click()
    page.get_by_role("heading", name="Live check").wait_for(timeout=60_000)
    if mode is not None:
        # the live page's "Check" box (the sidebar also has the profile picker)
        page.locator("[data-testid='stSelectbox']").filter(
            has=page.get_by_text("Check", exact=True)).first.click()
        page.get_by_role("option", name=mode).click()
        page.wait_for_timeout(1500)
    frame = page.frame_locator("iframe[title*='streamlit_webrtc']").first
    frame.get_by_role("button", name=re.compile("start", re.I)).click(timeout=60_000)
    return frame


def wait_for_frames(page, frame, n: int, until=None, timeout_s: float = 90) -> str:
    """Poll the page until ``n`` frames were processed and ``until(text)`` holds."""
    start = time.monotonic()
    retried = False
    text = ""
    while time.monotonic() < start + timeout_s:
        text = page.inner_text("body")
        if not retried and time.monotonic() > start + 30 and not FRAMES_RE.search(text):
            # the WebRTC handshake was lost (seen once under load): press Start again
            retried = True
            start_button = frame.get_by_role("button", name=re.compile("start", re.I))
            if start_button.count():
                start_button.first.click(timeout=10_000)
        m = FRAMES_RE.search(text)
        if m and int(m.group(1)) >= n and (until is None or until(text)):
            return text
        time.sleep(1.0)
    pytest.fail(f"live session did not reach {n} frames:\n{text[:3000]}")


def assert_loopback_only(app: App) -> list[str]:
    addrs = app.udp_sockets()
    assert addrs, "no UDP socket: the media did not flow through the server"
    outside = [a for a in addrs if not (a.startswith("127.") or a.startswith("[::1]"))]
    assert not outside, f"media sockets bound outside loopback: {outside}"
    return addrs


def end_session(page) -> str:
    """Press End session; wait for the summary with its downloads; return the page text."""
    page.get_by_role("button", name="End session and prepare the summary").click()
    page.get_by_text("Session summary").wait_for(timeout=120_000)
    page.get_by_role("button", name=re.compile("PDF report")).wait_for(timeout=60_000)
    return page.inner_text("body")


def summary_screenshot(page, path: Path) -> None:
    """The summary as a person scrolls to it (Streamlit scrolls inside its own container, so a
    tall viewport shows the whole page)."""
    page.set_viewport_size({"width": 1400, "height": 4200})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(path), full_page=True)


def assert_summary(page, app: App, text: str) -> None:
    for label in ("PDF report", "HTML report", "JSON", "CSV"):
        assert page.get_by_role("button", name=re.compile(label)).count() >= 1, label
    assert "Traceback" not in text and "Error" not in text.split("Session summary")[-1], text
    assert ".txt" not in text  # documents are named by their subject, never by file
    for raw in ("standing_hamstring", "left_side", "lateral_lean", "trunk_flexion", "_front.mp4"):
        assert raw not in text, raw
    log = app.log.read_text()
    assert "Traceback" not in log, log[-3000:]


@pytest.fixture()
def db(tmp_path, monkeypatch) -> Path:
    """The app server started by ``app_url`` (requested after this) inherits this variable."""
    path = tmp_path / "history.sqlite3"
    monkeypatch.setenv("POSTURE_CHECK_DB", str(path))
    return path
