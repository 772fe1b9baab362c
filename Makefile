# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test
# An editable install leaves the tutor's own modules uncompiled, and a shell with
# PYTHONDONTWRITEBYTECODE=1 never caches them: each `tutor` (and each of the suite's hundreds of
# `tutor` and `aws` processes) then compiled them again, 60-100 ms a start. compileall skips what
# is up to date (0.05 s), so edits are picked up. The labs' own modules too (each lab command loads
# one), not the files labs give students (labs/*/files).
BYTECODE = $(BIN)/python -m compileall -q -x '/files/' tutor labs

.PHONY: run test check bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[cli]'
	touch $@

$(TSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP) $@

run: $(STAMP)
	@$(BYTECODE)
	$(BIN)/tutor

test: $(TSTAMP)
	@$(BYTECODE)
	$(BIN)/tutor content check --lang en
	@# pytest caches its rewritten test modules in tests/__pycache__ (ignored by git) only where
	@# Python may write bytecode: rewriting all of them again cost each worker 1.3 s a run.
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n 2 --dist worksteal $(PYTEST_ARGS)

check: $(TSTAMP)
	@$(BYTECODE)
	$(BIN)/tutor content check --lang en

bench: $(TSTAMP)
	@$(BYTECODE)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info
