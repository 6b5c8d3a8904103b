# The two commands that do all set-up on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-slow install lint typecheck pytest postgresql fonts screenshots clean dist dist-check

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Open the window on the demo chapter (built in your data directory on first run).
run: $(STAMP) fonts
	VENV=$(VENV) sh scripts/ensure-qt-runtime
	$(VENV)/bin/chapterdesk --demo

## Lint, type-check (the window too, more loosely than the domain), and run the whole suite with Qt offscreen.
test: $(STAMP) lint typecheck pytest

## ruff, then vulture: dead code is removed, and what frameworks call by name is in vulture_whitelist.py.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/vulture

typecheck: $(STAMP)
	$(VENV)/bin/mypy

## PostgreSQL's initdb and pg_ctl, for the suite's throwaway server (installed when missing).
postgresql:
	sh scripts/ensure-postgresql

## The Noto fonts reports print every script in (and pdftotext, which the report tests read
## PDFs back with); Noto Sans CJK converted once to TrueType outlines, in the user's cache.
fonts: $(STAMP)
	sh scripts/ensure-fonts
	$(PY) -m chapterdesk.reports.cjk

## The installed-wheel test (builds and installs the wheel: a whole-product check) runs in dist-check.
## The package is byte-compiled first, as an installed one is: this machine sets
## PYTHONDONTWRITEBYTECODE, so otherwise every `chapterdesk` process the suite starts
## compiles it from source again (up to 0.1-0.2 s of CPU each; a fresh clone has no .pyc).
pytest: $(STAMP) postgresql fonts
	$(PY) -m compileall -q -j 0 chapterdesk
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q -n 2 --dist loadfile -m "not installed and not slow"

## The long fault-injection variants (twenty kill -9s of a 100,000-row import, twenty of a
## backup: about 2.5 min), kept out of `make test` so it stays under 10 minutes; .ci/run runs them.
test-slow: $(STAMP) postgresql fonts
	$(PY) -m compileall -q -j 0 chapterdesk
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q -n 2 -m slow

## A PNG of every page and key dialog on a demo chapter, light and dark, at 1024x640 and 1920x1080, at scale 1 and 2, in screenshots/.
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) scripts/screenshots.py

## The Linux desktop bundle: a PyInstaller folder (packaging/chapterdesk.spec) packed as
## dist/chapterdesk_VERSION_ARCH.deb. Windows and macOS: see packaging/README.md.
DIST_STAMP := $(VENV)/.dist-tools
$(DIST_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dist]'
	touch $(DIST_STAMP)

dist: $(DIST_STAMP)
	sh scripts/ensure-dist-tools
	VENV=$(VENV) sh scripts/ensure-qt-runtime
	rm -rf dist/chapterdesk dist/chapterdesk_*.deb build/pyinstaller
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist \
		--workpath build/pyinstaller packaging/chapterdesk.spec
	QT_QPA_PLATFORM=offscreen $(PY) packaging/build_deb.py dist/chapterdesk dist

## Unpack the .deb `make dist` built and run it as installed (no Python on PATH, empty HOME).
## Then the wheel, installed into a fresh venv outside the checkout, does the same round.
dist-check: $(STAMP) fonts
	sh scripts/ensure-dist-tools
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q -p no:xdist -p no:cacheprovider packaging/tests
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q -p no:xdist -m installed tests/test_installed_wheel.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist
