"""The JSON report's schema: versioned, stable keys, units in the key names.

``schema`` holds :data:`SCHEMA_ID` (``posture-check.report/<major>``). Within a major version keys
are only ever added, never renamed or removed; a breaking change bumps the major version. Units:
``_s`` seconds, ``_deg`` degrees, ``_px`` pixels, ``_cm`` centimetres, ``_bytes``, ``fraction``
0..1; a measure's own unit is in its ``unit`` field. Missing numbers (nothing valid, NaN) are
``null``. Left/right are always the subject's own sides.

The document is defined once, as TypedDicts in :mod:`.json_types` (:class:`ReportJson`), which
the builder :func:`~posture_check.report.json_report.build_report` is type-checked against.
:data:`REPORT_SCHEMA` is the JSON Schema (draft 2020-12) that :func:`json_schema` generates from
them, and that :func:`validate` checks with ``jsonschema`` (a test dependency; :func:`validate`
raises ``ImportError`` without it).
"""

from __future__ import annotations

import inspect
import sys
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from posture_check.report.json_types import SCHEMA_ID, Bounds, ReportJson

if sys.version_info >= (3, 11):
    from typing import NotRequired, Required, is_typeddict
else:  # pragma: no cover - Python 3.10
    from typing_extensions import NotRequired, Required, is_typeddict

__all__ = ["REPORT_SCHEMA", "SCHEMA_ID", "json_schema", "report_schema", "validate"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
_SCALARS: dict[Any, str] = {str: "string", bool: "boolean", int: "integer", float: "number",
                            type(None): "null"}
_BOUNDS = {"minimum": "minimum", "maximum": "maximum", "min_length": "minLength",
           "min_items": "minItems", "max_items": "maxItems"}


def json_schema(tp: Any) -> dict[str, Any]:
    """The JSON Schema of a type of the definition (conventions: :mod:`.json_types`).

    Pure: str, bool, int, float, None, Any, ``Literal`` (``const`` / ``enum``), ``list[X]``,
    ``dict[str, X]``, unions (``X | None`` adds ``null`` to ``X``'s type or enumeration), TypedDicts
    (``required`` from ``NotRequired`` / ``Required``; the class docstring is the description) and
    ``Annotated`` with descriptions and :class:`~.json_types.Bounds`. Anything else: ``TypeError``.
    """
    origin, args = get_origin(tp), get_args(tp)
    if origin is Annotated:
        out = json_schema(args[0])
        for meta in tp.__metadata__:
            if isinstance(meta, str):
                out["description"] = meta
            elif isinstance(meta, Bounds):
                out.update({kw: v for field, kw in _BOUNDS.items()
                            if (v := getattr(meta, field)) is not None})
            else:
                raise TypeError(f"unknown annotation {meta!r} on {args[0]!r}")
        return out
    if tp is Any:
        return {}
    if tp in _SCALARS:
        return {"type": _SCALARS[tp]}
    if is_typeddict(tp):
        return _object(tp)
    if origin is Literal:
        return {"const": args[0]} if len(args) == 1 else {"enum": list(args)}
    if origin is list:
        return {"type": "array", "items": json_schema(args[0])}
    if origin is dict:
        if args[0] is not str:
            raise TypeError(f"JSON object keys are strings, not {args[0]!r}")
        values = json_schema(args[1])
        return {"type": "object", **({"additionalProperties": values} if values else {})}
    if origin is Union or origin is types.UnionType:
        return _union(args)
    raise TypeError(f"no JSON Schema for {tp!r}")


def _union(args: tuple[Any, ...]) -> dict[str, Any]:
    members = [a for a in args if a is not type(None)]
    if len(members) != 1:
        return {"anyOf": [json_schema(a) for a in args]}
    out = json_schema(members[0])
    if len(args) == 1:
        return out
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    elif "const" in out:
        out = {"enum": [out.pop("const"), None], **out}
    elif isinstance(out.get("type"), str):
        # the other keywords (items, minimum, required, ...) apply to their own type only
        out["type"] = [out["type"], "null"]
    else:
        out = {"anyOf": [out, {"type": "null"}]}
    return out


def _object(td: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object"}
    if td.__doc__:
        out["description"] = " ".join(inspect.cleandoc(td.__doc__).split())
    required, properties = [], {}
    for name, tp in get_type_hints(td, include_extras=True).items():
        # read from the annotations, not __required_keys__ (wrong under postponed annotations)
        if get_origin(tp) is NotRequired:
            tp = get_args(tp)[0]
        elif get_origin(tp) is Required or td.__total__:
            tp = get_args(tp)[0] if get_origin(tp) is Required else tp
            required.append(name)
        properties[name] = json_schema(tp)
    out["required"] = required
    out["properties"] = properties
    return out


def report_schema() -> dict[str, Any]:
    """The JSON Schema of the report, generated from :class:`~.json_types.ReportJson`."""
    return {"$schema": DRAFT, "$id": "https://posture-check.local/schemas/report-1.json",
            "title": "posture-check report", **json_schema(ReportJson)}


REPORT_SCHEMA: dict[str, Any] = report_schema()


def validate(report: dict) -> None:
    """Raise ``jsonschema.ValidationError`` if ``report`` does not follow :data:`REPORT_SCHEMA`."""
    import jsonschema

    jsonschema.validate(report, REPORT_SCHEMA, cls=jsonschema.Draft202012Validator)
