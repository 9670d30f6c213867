"""A progress bar on a terminal, silence otherwise."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def progress_bar(desc: str, unit: str = "frame") -> Iterator[Callable[[int, int], None] | None]:
    """Yield a ``(done, total)`` callback drawing a tqdm bar on a TTY stderr, else ``None``."""
    if not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(desc=desc, unit=unit, leave=False)

    def update(done: int, total: int) -> None:
        if total and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        bar.close()
