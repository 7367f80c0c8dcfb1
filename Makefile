# The course kit's commands. Each target installs what it needs into .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
# The browser tests drive Debian's Chromium (never a browser downloaded by `playwright install`).
CHROMIUM := /usr/bin/chromium
# The Japanese edition's browser test needs a font with Japanese glyphs (Debian's Noto CJK).
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install demo test test-fast sync release fixtures lint benchmarks otter otter-check

# Debian's PostgreSQL server: the tests start throwaway clusters of it (tests/support/postgres.py)
PG_CTL := $(firstword $(wildcard /usr/lib/postgresql/*/bin/pg_ctl) /usr/lib/postgresql/15/bin/pg_ctl)

install: $(STAMP) $(CHROMIUM) /usr/bin/bwrap $(PG_CTL) $(CJK_FONT)

# bubblewrap runs every student notebook in a sandbox (coursekit grade's secure mode)
/usr/bin/bwrap:
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y bubblewrap

$(PG_CTL):
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "the kit needs Python 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	rm -f $(VENV)/.installed-* && touch $@

$(CJK_FONT):
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y fonts-noto-cjk

$(CHROMIUM):
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

demo: install          ## release, grade the example class, print scores, write feedback
	$(BIN)/coursekit demo

test: install          ## the whole test suite
	$(BIN)/python -m pytest

test-fast: install     ## the inner loop: no browser, sandbox, Dask or slow tests
	$(BIN)/python -m pytest -m "not slow and not browser and not sandbox and not dask"

sync: install          ## rewrite solution and given cells from reference/
	$(BIN)/coursekit sync

release: install       ## regenerate release/ with nbgrader
	$(BIN)/coursekit release

fixtures: install      ## rebuild the fixture notebooks from their scenario files
	$(BIN)/coursekit fixtures

lint: install          ## ruff, the import contracts, mypy, the source notebooks against the authoring rules (drift from reference/ too), the translations
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy coursekit/grading
	$(BIN)/coursekit lint
	$(BIN)/coursekit i18n check

benchmarks: install    ## every benchmark under benchmarks/
	for script in benchmarks/*.py; do $(BIN)/python $$script || exit 1; done

otter: install         ## export every assignment as an Otter-Grader autograder into dist/otter/
	$(BIN)/coursekit export otter

otter-check: install   ## grade every fixture with otter run and coursekit grade; print both scores
	$(BIN)/python -m coursekit.gradescope.scores

.PHONY: exchange
exchange: install      ## create nbgrader's exchange root (mode 1777); print the students' nbgrader_config.py
	$(SUDO) env COURSEKIT_EXCHANGE="$(COURSEKIT_EXCHANGE)" $(BIN)/coursekit exchange setup
