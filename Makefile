# Two commands do all set-up on a fresh machine: `make run` (the app) and `make test` (the tests).
# Both are idempotent: they create .venv, install the pinned requirements, build the pose model
# (once), then run.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: setup model fonts browser run test test-fast lint typecheck bench clean

setup: $(STAMP) model fonts

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	$(PY) -m pip install --disable-pip-version-check -q --no-deps -e .
	touch $@

model: $(STAMP)
	$(PY) -m posture_check model

# A font with Chinese/Japanese/Korean glyphs for names in the PDF report (Debian's WenQuanYi Zen
# Hei; any Noto Sans CJK is used too). Optional: without it such names show as boxes, so a failed
# install (no root, no password-less sudo, no network) only prints a note.
fonts:
	@[ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || \
	  [ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo -n ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	  fonts-wqy-zenhei >/dev/null; } 2>/dev/null || echo "note: no CJK font installed (fonts-wqy-zenhei);" \
	  "Chinese, Japanese and Korean names show as boxes in the PDF"

# Debian's Chromium for the end-to-end browser test (Playwright never downloads a browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: setup
	$(VENV)/bin/streamlit run app.py

# ruff, then the layers contract of pyproject.toml [tool.importlinter] (an import that runs up a
# layer fails) and the no-circle rule (tests/test_architecture.py runs the same check).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

# mypy on the files and with the strictness set in pyproject.toml [tool.mypy] (~25 s cold, ~1 s
# with its cache)
typecheck: $(STAMP)
	$(VENV)/bin/mypy

test: setup browser lint typecheck
	$(PY) -m pytest

# The fast layer for your own loop: every test that needs no pose model and no browser (tests
# that take the model fixtures are marked slow automatically: tests/conftest.py).
test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow and not browser" -q

clean:
	rm -rf $(VENV) models/*.task models/*.sha256 .pytest_cache .mypy_cache
