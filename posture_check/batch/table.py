"""The combined table of a batch: one row per recording and measure.

Columns (:data:`COLUMNS`): ``recording`` (file name), ``path``, ``sha256``, ``measure``,
``unit`` (degrees for angles; the ``_cm`` measures in centimetres), ``value`` (the median over
the valid frames, as in the JSON report's ``measures.<name>.median``), ``ci90_lo`` /
``ci90_hi`` (its 90% interval; empty when it cannot be given), ``p10`` / ``p90``,
``valid_fraction`` (0..1), ``view`` (the recording's main view), ``quality_warnings`` (codes,
``;``-separated), ``partial`` (a damaged recording analysed as far as it decoded),
``stretch``, ``stretch_verdict`` (overall) and ``repetition_verdicts``
(``side:verdict`` per repetition, ``;``-separated). Left and right are the subject's own.

Written as Parquet (typed; null = not measured) and CSV (empty cell = not measured).
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Sequence

from posture_check.atomic import atomic_path, write_text_atomic

__all__ = ["COLUMNS", "recording_rows", "write_table"]

COLUMNS: tuple[str, ...] = (
    "recording", "path", "sha256", "measure", "unit", "value", "ci90_lo", "ci90_hi", "p10",
    "p90", "valid_fraction", "view", "quality_warnings", "partial", "stretch",
    "stretch_verdict", "repetition_verdicts",
)
_FLOATS = ("value", "ci90_lo", "ci90_hi", "p10", "p90", "valid_fraction")


def _num(x: float) -> float | None:
    """A finite float, or None (not measured)."""
    return float(x) if math.isfinite(float(x)) else None


def recording_rows(result, path: str, sha256: str) -> list[dict]:
    """The table rows of one :class:`~posture_check.analysis.results.AnalysisResult`."""
    sa = result.stretch
    reps = ";".join(f"{r.side}:{r.verdict}" for r in sa.repetitions) if sa is not None else ""
    common = {
        "recording": result.input.file_name, "path": str(path), "sha256": sha256,
        "view": result.main_view,
        "quality_warnings": ";".join(w.code for w in result.warnings),
        "partial": bool(result.partial),
        "stretch": sa.stretch if sa is not None else "",
        "stretch_verdict": sa.verdict if sa is not None else "",
        "repetition_verdicts": reps,
    }
    rows = []
    for name, s in result.measures.summary().items():
        rows.append({**common, "measure": name, "unit": s.unit, "value": _num(s.median),
                     "ci90_lo": _num(s.ci90_lo), "ci90_hi": _num(s.ci90_hi),
                     "p10": _num(s.p10), "p90": _num(s.p90),
                     "valid_fraction": _num(s.valid_fraction)})
    return [{c: r[c] for c in COLUMNS} for r in rows]


def _csv_text(rows: Sequence[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in rows:
        cells = []
        for c in COLUMNS:
            v = r[c]
            if c in _FLOATS:
                v = "" if v is None else repr(float(v))
            elif c == "partial":
                v = int(bool(v))
            cells.append(v)
        w.writerow(cells)
    return buf.getvalue()


def write_table(rows: Sequence[dict], parquet_path: str | os.PathLike[str],
                csv_path: str | os.PathLike[str]) -> None:
    """Write the rows as Parquet and CSV, each atomically."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {c: pa.float64() if c in _FLOATS else pa.bool_() if c == "partial" else pa.string()
             for c in COLUMNS}
    schema = pa.schema([(c, types[c]) for c in COLUMNS])
    data = {c: [r[c] for r in rows] for c in COLUMNS}
    table = pa.table(data, schema=schema)
    with atomic_path(parquet_path) as tmp:
        pq.write_table(table, tmp)
    write_text_atomic(csv_path, _csv_text(rows))
