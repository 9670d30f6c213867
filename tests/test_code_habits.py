"""House rules checked on the source itself (issue 13)."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_no_assert_in_production_code():
    """``assert`` vanishes under ``python -O`` and turns a broken invariant into a traceback;
    production code raises a real exception instead (tests may assert)."""
    files = [REPO / "app.py", *sorted((REPO / "posture_check").rglob("*.py"))]
    hits = [f"{p.relative_to(REPO)}:{node.lineno}" for p in files
            for node in ast.walk(ast.parse(p.read_text(), str(p)))
            if isinstance(node, ast.Assert)]
    assert len(files) > 50 and not hits, hits
