"""Fonts for the PDF report: DejaVu Sans (bundled with matplotlib) plus a CJK font for names.

DejaVu Sans has no Chinese, Japanese or Korean glyphs, so a file named ``张伟.mp4`` would show as
boxes. :func:`find_cjk_font` finds the first CJK font on the system (Noto Sans CJK from
Debian's ``fonts-noto-cjk``, WenQuanYi Zen Hei from ``fonts-wqy-zenhei``, which ``make setup``
installs, or Droid Sans Fallback); the PDF (fpdf2) embeds it as a per-glyph fallback of the
DejaVu Sans files of :func:`base_font_files`, and :func:`report_font_family` adds it to
matplotlib for the figures. Without one the report is still written; the missing glyphs show as
boxes and an INFO log line names the package to install.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

BASE_FAMILY = "DejaVu Sans"
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
             Path.home() / ".local/share/fonts", Path.home() / ".fonts")
# file-name patterns of fonts with CJK glyphs, best first
CJK_FONT_PATTERNS = ("NotoSansCJK-Regular.ttc", "NotoSansCJK*-Regular.otf", "NotoSansCJK*.ttc",
                     "wqy-zenhei.ttc", "wqy-microhei.ttc", "DroidSansFallbackFull.ttf",
                     "DroidSansFallback.ttf")


def find_cjk_font(dirs: tuple[Path, ...] = FONT_DIRS) -> Path | None:
    """The first font file with CJK glyphs under ``dirs`` (see :data:`CJK_FONT_PATTERNS`)."""
    for pattern in CJK_FONT_PATTERNS:
        for d in dirs:
            if d.is_dir():
                found = sorted(d.rglob(pattern))
                if found:
                    return found[0]
    return None


@lru_cache(maxsize=1)
def base_font_files() -> tuple[Path, Path]:
    """(regular, bold) TrueType files of :data:`BASE_FAMILY` (the copies matplotlib ships)."""
    from matplotlib import font_manager

    regular, bold = (font_manager.findfont(
        font_manager.FontProperties(family=BASE_FAMILY, weight=weight),
        fallback_to_default=False) for weight in ("normal", "bold"))
    return Path(regular), Path(bold)


@lru_cache(maxsize=1)
def report_font_family() -> tuple[str, ...]:
    """``font.family`` for the report: the base family, then a CJK fallback if one exists."""
    from matplotlib import font_manager

    path = find_cjk_font()
    if path is None:
        log.info("no CJK font found: Chinese, Japanese or Korean names show as boxes in the "
                 "PDF (install fonts-noto-cjk or fonts-wqy-zenhei)")
        return (BASE_FAMILY,)
    try:
        font_manager.fontManager.addfont(str(path))
        name = font_manager.FontProperties(fname=str(path)).get_name()
    except (OSError, RuntimeError, ValueError) as exc:
        log.info("cannot use CJK font %s (%s)", path, exc)
        return (BASE_FAMILY,)
    return (BASE_FAMILY, name)
