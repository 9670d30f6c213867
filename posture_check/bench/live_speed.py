"""Live check in real time: a 30 fps 640x480 camera fed through the live engine.

A producer thread plays frames at the camera's pace into a one-frame mailbox
(:class:`posture_check.live.mailbox.LatestFrameSlot`: frames that arrive while the engine is busy
are
dropped, never queued); the engine processes the newest. Prints the sustained processed fps, the
share of frames dropped, and the latency from a frame's arrival to its annotated frame (p50,
p95). Goals: keep up with 30 fps with the full model on 2 cores, latency under 100 ms.

``--minutes N`` makes it a soak: it also prints the process's resident memory (RSS, from
``/proc/self/status``) after warm-up and at the end, with the frames processed and the session
recorder's share, every minute in between. Goal: a 10-minute soak within +30 MB after warm-up
(the recorder keeps ~1.1 kB a frame: 10 min at 30 fps is ~20 MB).
"""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path

import cv2
import numpy as np

from posture_check.live.engine import LiveConfig, LiveEngine
from posture_check.live.mailbox import LatestFrameSlot
from posture_check.live.recorder import SessionRecorder
from posture_check.pose.video_io import iter_frames

_REPO = Path(__file__).resolve().parents[2]
DEFAULT_VIDEO = _REPO / "sample_videos" / "lean_left8_front.mp4"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("video", type=Path, nargs="?", default=DEFAULT_VIDEO,
                        help="clip to play as the camera (looped; resized to 640x480)")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to run")
    parser.add_argument("--minutes", type=float, default=None,
                        help="soak: run this many minutes and print memory (RSS) at start and "
                             "end with the frames processed (overrides --seconds)")
    parser.add_argument("--fps", type=float, default=30.0, help="camera frame rate")
    parser.add_argument("--model", type=Path, default=None)


def camera_frames(video: Path, size: tuple[int, int] = (640, 480)) -> list[np.ndarray]:
    """The clip's frames letterboxed into ``size`` (the shape of a webcam's frames)."""
    w, h = size
    out = []
    for _, rgb in iter_frames(video):
        scale = min(w / rgb.shape[1], h / rgb.shape[0])
        small = cv2.resize(rgb, (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale)),
                           interpolation=cv2.INTER_AREA)
        canvas = np.zeros((h, w, 3), np.uint8)
        y0, x0 = (h - small.shape[0]) // 2, (w - small.shape[1]) // 2
        canvas[y0:y0 + small.shape[0], x0:x0 + small.shape[1]] = small
        out.append(canvas)
    return out


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux ``/proc``; NaN elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


def run(args: argparse.Namespace) -> int:
    if args.minutes is not None:
        if args.minutes <= 0:
            raise SystemExit("posture-check: error: --minutes must be > 0")
        args.seconds = 60.0 * args.minutes
    soak = args.minutes is not None
    frames = camera_frames(args.video)
    slot = LatestFrameSlot()
    stop = threading.Event()
    sent = 0

    def camera() -> None:
        nonlocal sent
        start = time.perf_counter()
        while not stop.is_set():
            due = start + sent / args.fps
            time.sleep(max(0.0, due - time.perf_counter()))
            slot.put(sent / args.fps, frames[sent % len(frames)], time.perf_counter())
            sent += 1
        slot.close()

    cfg = LiveConfig(model_path=str(args.model) if args.model else None,
                     max_record_s=max(LiveConfig.max_record_s, args.seconds + 10.0))
    with LiveEngine(cfg) as engine:
        for k in range(min(30, len(frames))):  # warm-up: graph start, XNNPACK init, filters
            engine.process(frames[k], k / args.fps)
        engine.reset()
        rss0 = rss_mb()
        if soak:
            print(f"memory at start (after warm-up): RSS {rss0:.1f} MB, frames processed 0",
                  flush=True)
        thread = threading.Thread(target=camera, daemon=True)
        t0 = time.perf_counter()
        next_report = 60.0
        thread.start()
        while time.perf_counter() - t0 < args.seconds:
            item = slot.get(timeout=1.0)
            if item is None:
                continue
            t_s, rgb, arrival = item
            engine.process(rgb, t_s, arrival)
            if soak and time.perf_counter() - t0 >= next_report:
                snap = engine.snapshot()
                print(f"  {next_report / 60:.0f} min: RSS {rss_mb():.1f} MB, frames processed "
                      f"{snap.frames_processed}, recorded {snap.recorded_s:.0f} s", flush=True)
                next_report += 60.0
        stop.set()
        thread.join()
        elapsed = time.perf_counter() - t0
        snap = engine.snapshot()
        rss1 = rss_mb()
    processed = snap.frames_processed
    print(f"camera: {args.video.name} letterboxed to 640x480 at {args.fps:.0f} fps, "
          f"{elapsed:.1f} s, full model, one person")
    print(f"frames sent {sent}, processed {processed} ({processed / elapsed:.1f} fps), "
          f"dropped {slot.dropped} ({100.0 * slot.dropped / max(sent, 1):.1f}%)")
    print(f"latency arrival -> annotated frame: p50 {snap.latency_ms_p50:.1f} ms, "
          f"p95 {snap.latency_ms_p95:.1f} ms (goal < 100 ms)")
    if soak:
        grew = rss1 - rss0
        per_frame = 1024.0 * grew / max(processed, 1)
        print(f"memory at end: RSS {rss1:.1f} MB, frames processed {processed}; "
              f"{grew:+.1f} MB since start ({per_frame:.2f} kB a frame; the recorder keeps "
              f"{SessionRecorder.FRAME_BYTES / 1024:.2f} kB a frame; goal over 10 min: "
              f"< +30 MB)")
    keeps_up = processed / elapsed >= 0.95 * args.fps
    print(f"keeps up with {args.fps:.0f} fps: {'yes' if keeps_up else 'NO'}; latency goal: "
          f"{'met' if snap.latency_ms_p95 < 100 else 'MISSED'}")
    return 0
