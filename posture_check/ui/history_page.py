"""The app's "My progress" page, the profile picker and the "Save to my progress" control
(Streamlit UI, thin over :mod:`posture_check.history`; only ``app.py`` imports this module).

The database is :func:`~posture_check.history.default_db_path` (``$POSTURE_CHECK_DB`` or the
user's data folder); it is opened for each rerun and closed at once, so several browser tabs and
a CLI run share it safely. Nothing is saved without the person pressing "Save to my progress".
"""

from __future__ import annotations

import math

import streamlit as st

from posture_check.history.plots import trend_figure
from posture_check.history.progress import TREND_MEASURES, load_progress
from posture_check.history.store import (
    DEFAULT_PROFILE,
    HistoryError,
    HistoryStore,
    check_profile_name,
    default_db_path,
)
from posture_check.presentation import measure_label, number_text
from posture_check.report.plots import png_bytes

__all__ = ["analysis_baseline", "profile_picker", "progress_page", "report_since",
           "save_control"]

_PROFILE_KEY = "history-profile"
_NEW = "+ new profile"


def _store() -> HistoryStore:
    return HistoryStore(default_db_path())


def _profiles() -> list[str]:
    if not default_db_path().exists():  # never create the file just to list nothing
        return []
    with _store() as store:
        return store.profiles()


def current_profile() -> str:
    return st.session_state.get(_PROFILE_KEY) or DEFAULT_PROFILE


def _new_profile() -> None:
    """Callback of the "New profile name" box: switch to that profile."""
    name = st.session_state.get("history-new-profile", "").strip()
    try:
        name = check_profile_name(name)
    except HistoryError as exc:
        st.session_state["history-profile-error"] = str(exc)
        return
    st.session_state[_PROFILE_KEY] = name
    st.session_state["history-profile-select"] = name
    st.session_state["history-new-profile"] = ""


def profile_picker() -> None:
    """Sidebar: whose history the pages use (a household may share a computer)."""
    try:
        names = _profiles()
    except HistoryError as exc:
        st.sidebar.error(str(exc))
        return
    cur = current_profile()
    options = [*sorted(set(names) | {cur}), _NEW]
    if st.session_state.get("history-profile-select") not in options:
        st.session_state["history-profile-select"] = cur
    choice = st.sidebar.selectbox("Profile", options, key="history-profile-select",
                                  help="Whose sessions: saved and compared under this name.")
    if choice == _NEW:
        st.sidebar.text_input("New profile name", max_chars=40, key="history-new-profile",
                              on_change=_new_profile)
        if "history-profile-error" in st.session_state:
            st.sidebar.error(st.session_state.pop("history-profile-error"))
    else:
        st.session_state[_PROFILE_KEY] = choice


def analysis_baseline() -> dict[str, float] | None:
    """The current profile's baseline medians (so new findings carry the change), or None."""
    if not default_db_path().exists():
        return None
    try:
        with _store() as store:
            return store.baseline_summary(current_profile()) or None
    except HistoryError:
        return None


def report_since(result):
    """The current profile's "Since your baseline" for the PDF/HTML downloads (None without
    a saved session)."""
    if not default_db_path().exists():
        return None
    from posture_check.history.since import since_baseline

    try:
        with _store() as store:
            return since_baseline(store, current_profile(), result)
    except HistoryError:
        return None


def save_control(result, key: str, source_sha256: str | None = None) -> None:
    """"Save to my progress" under an analysis result (video page and live summary)."""
    saved = st.session_state.setdefault("history-saved", {})
    st.markdown("**Save to my progress**")
    if id(result) in saved:
        st.success(f"Saved as session #{saved[id(result)]} of profile '{current_profile()}'. "
                   "See **My progress**.")
        return
    c1, c2, c3 = st.columns([1, 3, 1])
    pain = c1.selectbox("Pain today (0-10)", ["not said", *range(11)], key=f"pain-{key}")
    note = c2.text_input("Note (optional)", max_chars=2000, key=f"note-{key}")
    keep = c3.checkbox("Also keep landmarks", key=f"lm-{key}",
                       help="The body points of every frame. The video is never stored.")
    if st.button("Save to my progress", key=f"save-{key}", type="primary"):
        try:
            with _store() as store:
                sid = store.save_result(result, current_profile(), note=note,
                                        pain_score=None if pain == "not said" else int(pain),
                                        keep_landmarks=keep, source_sha256=source_sha256)
        except HistoryError as exc:
            st.error(f"Not saved: {exc}")
            return
        saved[id(result)] = sid
        st.rerun()
    st.caption(f"Stored on this computer only, in {default_db_path()}.")


@st.cache_data(max_entries=4, show_spinner=False)
def _trend_png(db: str, profile: str, stamp: tuple) -> bytes | None:
    """The trend plot as PNG, drawn again only when ``stamp`` (the session ids and the
    baseline) changes: ~1.5 s with 1,000 sessions (``bench history``), so reruns that only
    press a button do not redraw it. Kept in this process's memory only."""
    with HistoryStore(db) as store:
        progress = load_progress(store, profile)
    fig = trend_figure(progress, TREND_MEASURES)
    return None if fig is None else png_bytes(fig, dpi=90)


def _table_rows(progress) -> list[dict]:
    rows = []
    for k, s in enumerate(progress.sessions):
        row = {"#": s.id, "baseline": "★" if s.is_baseline else "", "date (UTC)":
               s.recorded_utc.replace("T", " ").rstrip("Z"), "source": s.source_name,
               "view": s.view.replace("_", " "),
               "pain": "" if s.pain_score is None else str(s.pain_score)}
        for m in ("lateral_lean", "pelvic_obliquity", "foot_turnout_left", "foot_turnout_right",
                  "pelvic_tilt"):
            t = progress.trends.get(m)
            v = t.median[k] if t is not None else math.nan
            row[measure_label(m)] = number_text(v, t.unit if t is not None else "deg")
        row["stretch"] = (f"{s.stretch.replace('_', ' ')}: {s.stretch_verdict.replace('_', ' ')}"
                          if s.stretch else "")
        row["note"] = s.note
        rows.append(row)
    return rows


def _export(fmt: str) -> bytes:
    """Every session of every profile, built only when the button is pressed."""
    with _store() as store:
        return (store.export_json() if fmt == "json" else store.export_csv()).encode()


def _label(s) -> str:
    return f"#{s.id} · {s.recorded_utc[:16].replace('T', ' ')} · {s.source_name}"


def progress_page() -> None:
    """Trends, change since baseline, the session table, baseline / delete / export."""
    st.header("My progress")
    profile = current_profile()
    db = default_db_path()
    st.caption(f"Profile **{profile}** · history file {db} (on this computer only).")
    if not db.exists():
        st.info("No saved sessions yet. Analyse a video, then press **Save to my progress**.")
        return
    try:
        with _store() as store:
            progress = load_progress(store, profile)
    except HistoryError as exc:
        st.error(str(exc))
        return
    sessions = progress.sessions
    if not sessions:
        st.info(f"No saved sessions for profile '{profile}' yet. Analyse a video, then press "
                "**Save to my progress**.")
    else:
        base = sessions[progress.index_of(progress.baseline_id)]
        last = sessions[-1]
        st.subheader(f"{len(sessions)} session(s) · baseline: {_label(base)}")
        if last.id != base.id:
            changes = progress.changes()
            n = sum(c.detectable for c in changes)
            st.markdown(f"**Latest session ({_label(last)}) since your baseline**: {n} of "
                        f"{len(changes)} measure(s) changed by more than the smallest change "
                        "the camera can detect (SDC); smaller differences are noise.")
            st.table([{"measure": measure_label(c.measure),
                       "baseline": number_text(c.baseline, c.unit),
                       "latest": number_text(c.value, c.unit),
                       "change": number_text(c.change, c.unit),
                       "SDC": number_text(c.sdc, c.unit, signed=False),
                       "verdict": c.verdict} for c in changes])
        else:
            st.markdown("Only the baseline so far: save another session to see the change.")
        png = _trend_png(str(db), profile, (tuple((s.id, s.recorded_utc) for s in sessions),
                                            progress.baseline_id))
        if png is not None:
            st.image(png,
                     caption="Each session's median (dot) with its interval (bar); green ring "
                             "= baseline; grey band = baseline ± the smallest detectable "
                             "change. Stretch holds per side and the pain score when saved.")
        st.markdown("**Sessions**")
        st.dataframe(_table_rows(progress), hide_index=True, width="stretch")
        c1, c2 = st.columns(2)
        labels = {_label(s): s.id for s in reversed(sessions)}
        with c1:
            pick = st.selectbox("Baseline session", list(labels), key="history-pick-baseline")
            if st.button("Use as my baseline", key="history-set-baseline"):
                with _store() as store:
                    store.set_baseline(labels[pick])
                st.rerun()
        with c2:
            gone = st.selectbox("Session to delete", list(labels), key="history-pick-delete")
            if st.button("Delete this session", key="history-delete"):
                with _store() as store:
                    store.delete_session(labels[gone])
                _trend_png.clear()  # no drawing of deleted data stays in memory
                st.rerun()
    st.markdown("**Export or delete everything** (all profiles)")
    c1, c2, c3 = st.columns(3)
    c1.download_button("⬇ Export all (JSON)", lambda: _export("json"),
                       file_name="posture-check-history.json", mime="application/json",
                       key="history-export-json")
    c2.download_button("⬇ Export all (CSV)", lambda: _export("csv"),
                       file_name="posture-check-history.csv", mime="text/csv",
                       key="history-export-csv")
    with c3:
        sure = st.checkbox("Yes, delete every session of every profile", key="history-sure")
        if st.button("Delete everything", key="history-delete-all", disabled=not sure):
            with _store() as store:
                n = store.delete_everything()
            st.session_state.pop("history-saved", None)
            _trend_png.clear()
            st.session_state["history-deleted"] = n
            st.rerun()
    if "history-deleted" in st.session_state:
        st.success(f"Deleted {st.session_state.pop('history-deleted')} session(s); the file "
                   "keeps no trace of them.")
