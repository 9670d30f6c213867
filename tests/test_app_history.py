"""My progress in the Streamlit app (AppTest, real model, real SQLite file): analyse a sample ->
save -> analyse a second -> save -> My progress shows both sessions and the change; then pick
the baseline, delete a session, export, delete everything."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from posture_check.history import HistoryStore

APP = Path(__file__).resolve().parents[1] / "app.py"


@pytest.fixture()
def db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "history.sqlite3"
    monkeypatch.setenv("POSTURE_CHECK_DB", str(path))
    return path


def _analyse_and_save(at: AppTest, sample: str, pain: int) -> None:
    at.selectbox[0].select(sample)
    at.button[0].click().run()  # the form's "Analyse" button
    assert not at.exception, at.exception
    at.selectbox(key="pain-analysis").select(pain)
    at.text_input(key="note-analysis").input(f"after {sample}")
    at.button(key="save-analysis").click().run()
    assert not at.exception, at.exception
    assert any("Saved as session" in s.value for s in at.success), [s.value for s in at.success]


def _text(at: AppTest) -> str:
    return "\n".join(str(m.value) for kind in (at.markdown, at.subheader, at.info, at.success,
                                               at.caption) for m in kind)


def test_analyse_save_twice_then_my_progress_shows_both_with_the_change(db, model_path):
    at = AppTest.from_file(str(APP), default_timeout=240)
    at.run()
    assert not at.exception, at.exception
    assert not db.exists()  # opening the app creates no file
    _analyse_and_save(at, "foot_turnout_right30_left5_front.mp4", pain=6)
    _analyse_and_save(at, "standing_neutral_front.mp4", pain=3)
    # the second analysis was judged against the first (the baseline)
    result = at.session_state["analysis"]["result"]
    right = next(f for f in result.findings if f.measure == "foot_turnout_right")
    assert right.change_since_baseline is not None and right.change_since_baseline < -15

    at.sidebar.radio[0].set_value("My progress").run()
    assert not at.exception, at.exception
    text = _text(at)
    assert "2 session(s)" in text
    assert "since your baseline" in text and "smallest change the camera can detect" in text
    changes = at.table[0].value
    row = changes[changes["measure"] == "Right foot turn-out"].iloc[0]
    assert row["verdict"] == "closer to typical"
    assert float(row["change"].rstrip("°")) < -15
    lean = changes[changes["measure"] == "Sideways lean"].iloc[0]
    assert lean["verdict"] == "no detectable change"
    sessions = at.dataframe[0].value
    assert list(sessions["source"]) == ["foot_turnout_right30_left5_front.mp4",
                                        "standing_neutral_front.mp4"]
    assert list(sessions["pain"]) == ["6", "3"]
    assert list(sessions["baseline"]) == ["★", ""]
    assert any("smallest detectable change" in " ".join(i.captions) for i in at.get("image"))

    # the second session becomes the baseline
    at.selectbox(key="history-pick-baseline").select_index(0)  # newest first
    at.button(key="history-set-baseline").click().run()
    assert list(at.dataframe[0].value["baseline"]) == ["", "★"]
    with HistoryStore(db) as store:
        _first, second = store.sessions("me")
        assert store.baseline_id("me") == second.id

    # export: both buttons, and what they serve holds both sessions
    labels = [d.proto.label for d in at.get("download_button")]
    assert "⬇ Export all (JSON)" in labels and "⬇ Export all (CSV)" in labels
    with HistoryStore(db) as store:
        assert len(json.loads(store.export_json())["sessions"]) == 2

    # delete one session, then everything
    at.selectbox(key="history-pick-delete").select_index(1)  # the older one
    at.button(key="history-delete").click().run()
    assert list(at.dataframe[0].value["source"]) == ["standing_neutral_front.mp4"]
    at.checkbox(key="history-sure").check().run()
    at.button(key="history-delete-all").click().run()
    assert not at.exception, at.exception
    assert "No saved sessions" in _text(at)
    with HistoryStore(db) as store:
        assert store.sessions() == []
    assert b"foot_turnout_right30" not in b"".join(
        p.read_bytes() for p in db.parent.glob(db.name + "*"))


def test_a_new_profile_from_the_sidebar(db, model_path):
    at = AppTest.from_file(str(APP), default_timeout=240)
    at.run()
    assert at.sidebar.selectbox(key="history-profile-select").value == "me"
    at.sidebar.selectbox(key="history-profile-select").select("+ new profile").run()
    at.sidebar.text_input(key="history-new-profile").input("Ben").run()
    assert not at.exception, at.exception
    assert at.sidebar.selectbox(key="history-profile-select").value == "Ben"
    at.sidebar.radio[0].set_value("My progress").run()
    assert "Profile **Ben**" in _text(at)
    assert "No saved sessions yet" in _text(at)
