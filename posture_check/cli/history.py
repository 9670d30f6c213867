"""Your saved sessions: list, show, set the baseline, export (JSON/CSV), delete.

The history is one SQLite file on this computer (``--db PATH``, ``$POSTURE_CHECK_DB``, or the
user's data folder); ``posture-check analyze --save`` adds sessions to it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from posture_check.atomic import write_text_atomic
from posture_check.errors import InputError


def db_argument(parser: argparse.ArgumentParser) -> None:
    """``--db PATH``: shared by ``history`` and ``analyze``."""
    parser.add_argument("--db", type=Path, default=None, metavar="PATH",
                        help="history database file (default: $POSTURE_CHECK_DB, else "
                             "history.sqlite3 in your user data folder)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = sub.add_parser("list", help="list saved sessions (time order; * = baseline)")
    p.add_argument("--profile", default=None, help="only this profile (default: all)")
    db_argument(p)
    p = sub.add_parser("show", help="everything stored about one session, and its change "
                                    "since the baseline")
    p.add_argument("session", type=int, help="session number (see 'history list')")
    p.add_argument("--json", action="store_true", help="print it as JSON")
    db_argument(p)
    p = sub.add_parser("set-baseline", help="make a session the baseline of its profile")
    p.add_argument("session", type=int)
    db_argument(p)
    p = sub.add_parser("export", help="export every session (JSON or CSV)")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.add_argument("--profile", default=None, help="only this profile (default: all)")
    p.add_argument("-o", "--output", default="-", help="file to write ('-' = stdout)")
    db_argument(p)
    p = sub.add_parser("delete", help="delete one session, a profile, or everything")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("session", type=int, nargs="?", help="session number")
    g.add_argument("--profile", default=None, help="delete this profile and its sessions")
    g.add_argument("--all", action="store_true", help="delete every session of every profile")
    p.add_argument("--yes", action="store_true", help="confirm --all / --profile")
    db_argument(p)


def _fmt(v, unit: str) -> str:
    from posture_check.presentation import number_text

    return number_text(v, unit)


def run(args: argparse.Namespace) -> int:
    from posture_check.history import HistoryError, HistoryStore, load_progress

    if args.db is None:
        from posture_check.history import default_db_path

        args.db = default_db_path()
    if not Path(args.db).exists():  # never create a file just to read or delete nothing
        if args.action in ("list", "export"):
            print(f"No saved sessions yet ({args.db} does not exist): "
                  "posture-check analyze VIDEO --save", file=sys.stderr)
            return 0
        raise HistoryError(f"no history database at {args.db}: nothing to "
                           f"{args.action.replace('-', ' ')}")
    with HistoryStore(args.db) as store:
        if args.action == "list":
            rows = store.sessions(args.profile)
            if not rows:
                print("No saved sessions" + (f" for profile '{args.profile}'"
                                             if args.profile else "") + ".")
                return 0
            print(f"{'#':>5}  {'profile':12s} {'time (UTC)':20s} {'view':10s} {'pain':>4}  "
                  "source")
            for s in rows:
                pain = "" if s.pain_score is None else str(s.pain_score)
                extra = f"  [{s.stretch}: {s.stretch_verdict}]" if s.stretch else ""
                print(f"{s.id:>4}{'*' if s.is_baseline else ' '}  {s.profile[:12]:12s} "
                      f"{s.recorded_utc:20s} {s.view:10s} {pain:>4}  {s.source_name}{extra}")
            print("* = baseline of its profile")
        elif args.action == "show":
            info = store.session(args.session)
            if args.json:
                import json

                print(json.dumps(info, indent=2, allow_nan=False))
                return 0
            print(f"Session #{info['id']} · profile {info['profile']} · {info['recorded_utc']} · "
                  f"{info['source_name']} ({info['source_kind']}) · view {info['view']}"
                  + (" · BASELINE" if info["is_baseline"] else ""))
            if info["pain_score"] is not None or info["pain_side"]:
                print(f"Pain: score {info['pain_score']}, side {info['pain_side'] or '-'}")
            if info["note"]:
                print(f"Note: {info['note']}")
            for f in info["findings"]:
                if f["severity"] in ("flag", "watch"):
                    print(f"  {f['severity'].upper():6s} {f['measure']}: "
                          f"{_fmt(f['value'], f['unit'])}")
            for r in info["stretch_repetitions"]:
                print(f"  stretch rep {r['index'] + 1} ({r['side']}): {r['verdict']}, "
                      f"hold {r['hold_s']:.0f} s")
            prog = load_progress(store, info["profile"])
            if prog.baseline_id is not None and prog.baseline_id != info["id"]:
                print(f"Since the baseline (session #{prog.baseline_id}); a change counts only "
                      "beyond the smallest detectable change (SDC):")
                for c in prog.changes(info["id"]):
                    print(f"  {c.measure:24s} {_fmt(c.baseline, c.unit):>8s} -> "
                          f"{_fmt(c.value, c.unit):>8s}  change {_fmt(c.change, c.unit):>8s}"
                          f"  (SDC {c.sdc:.1f})  {c.verdict}")
        elif args.action == "set-baseline":
            store.set_baseline(args.session)
            print(f"Session #{args.session} is now the baseline of its profile.")
        elif args.action == "export":
            text = (store.export_json(args.profile) if args.format == "json"
                    else store.export_csv(args.profile))
            if args.output == "-":
                sys.stdout.write(text if text.endswith("\n") else text + "\n")
            else:
                write_text_atomic(args.output, text)
                print(f"{len(store.sessions(args.profile))} session(s) written to "
                      f"{args.output}")
        elif args.action == "delete":
            if (args.all or args.profile) and not args.yes:
                raise InputError("deleting " + ("everything" if args.all else
                                                f"profile {args.profile!r}")
                                 + " cannot be undone: add --yes to confirm")
            if args.all:
                n = store.delete_everything()
                print(f"Deleted all {n} session(s); the file keeps no trace of them.")
            elif args.profile:
                n = store.delete_profile(args.profile)
                print(f"Deleted profile {args.profile!r} and its {n} session(s).")
            else:
                store.delete_session(args.session)
                print(f"Deleted session #{args.session}.")
    return 0
