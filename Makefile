# Two commands set everything up on a fresh clone:  make lab  and  make test.
# Both create .venv if it is missing, install the pinned environment (requirements.lock), and are
# quick when that is already done. `make help` lists every target.

SHELL := /bin/bash
PYTHON_BOOTSTRAP ?= python3
VENV := .venv
PYTHON := $(VENV)/bin/python
PYTEST := $(PYTHON) -m pytest -p no:cacheprovider
NBVAL := --nbval --nbval-cell-timeout 300
# nbval runs a notebook's cells in one kernel, in order: one notebook per xdist worker
NOTEBOOK_RUN := -n 2 --dist loadfile $(NBVAL)
INSTALLED := $(VENV)/.installed
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
AS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
# The ends of the transformers range that tests/test_conformance.py is run against: the lowest is
# read from pyproject.toml's `course` extra, the newest is the newest release tested.
TRANSFORMERS_LOWEST := $(shell sed -n 's/^ *"transformers>=\([0-9.]*\),.*/\1/p' pyproject.toml)
TRANSFORMERS_NEWEST := 5.24.0
# make test's steps, in order (a variable so tests/test_makefile.py can run make test on stand-ins)
TEST_STEPS ?= test-everything notebooks-plain-kernels notebooks-two-threads transformers-range
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_VERBOSITY := error

.PHONY: help lab test unit notebooks browser test-everything notebooks-plain-kernels notebooks-two-threads \
	transformers-range instructor benchmarks execute nav clean

## make help: this list
help:
	@sed -n 's/^## make /make /p' Makefile

$(INSTALLED): pyproject.toml requirements.lock
	test -x $(PYTHON) || $(PYTHON_BOOTSTRAP) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[course,lab,test]'
	touch $@

$(LAB_SETTINGS): binder/overrides.json $(INSTALLED)
	mkdir -p $(dir $@) && cp binder/overrides.json $@

$(CHROMIUM):
	$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium

## make lab: JupyterLab on 127.0.0.1 (token on), opened at the first notebook
lab: $(INSTALLED) $(LAB_SETTINGS)
	$(VENV)/bin/jupyter lab --ServerApp.ip=127.0.0.1 $(AS_ROOT) notebooks/00_start_here.ipynb

## make test: everything below, each step run even if one before failed; fails if any failed
test: $(INSTALLED) $(LAB_SETTINGS) $(CHROMIUM)
	@failed=""; \
	for step in $(TEST_STEPS); do \
		echo "=== make $$step"; \
		SECONDS=0; $(MAKE) --no-print-directory $$step || failed="$$failed $$step"; \
		echo "=== make $$step: $${SECONDS} s"; \
	done; \
	if [ -n "$$failed" ]; then echo "make test: FAILED:$$failed"; exit 1; fi; \
	echo "make test: every step passed"

## make test-everything: one pytest run: unit, property and conformance tests, doctests, packaging and Colab checks, notebooks (nbval, strict), browser
test-everything: $(INSTALLED) $(LAB_SETTINGS) $(CHROMIUM)
	$(PYTEST) -n 2 --dist loadfile $(NBVAL) tests lrlib notebooks

## make notebooks-plain-kernels: the notebooks again, nbval strict, on torch's plain kernels (ATEN_CPU_CAPABILITY=default)
notebooks-plain-kernels: $(INSTALLED)
	ATEN_CPU_CAPABILITY=default $(PYTEST) $(NOTEBOOK_RUN) notebooks

## make notebooks-two-threads: the notebooks again, nbval strict, with OMP_NUM_THREADS=2
notebooks-two-threads: $(INSTALLED)
	OMP_NUM_THREADS=2 $(PYTEST) $(NOTEBOOK_RUN) notebooks

## make transformers-range: the conformance tests against the lowest and the newest transformers of the range
transformers-range: $(INSTALLED)
	@test -n "$(TRANSFORMERS_LOWEST)" || { echo "no transformers>=X in pyproject.toml"; exit 1; }
	for release in $(TRANSFORMERS_LOWEST) $(TRANSFORMERS_NEWEST); do \
		folder=$$($(PYTHON) tools/transformers_at.py $$release) || exit 1; \
		LRLIB_EXPECT_TRANSFORMERS=$$release PYTHONPATH=$$folder $(PYTEST) -n 2 -q tests/test_conformance.py || exit 1; \
	done

## make unit: the fast subset: unit, property and conformance tests and doctests (no notebooks, browser, installs)
unit: $(INSTALLED)
	$(PYTEST) -n 2 --dist loadfile -m "not slow" tests lrlib --ignore=tests/browser

## make notebooks: every notebook re-executed by nbval, strict
notebooks: $(INSTALLED)
	$(PYTEST) $(NOTEBOOK_RUN) notebooks

## make browser: the explorer in JupyterLab in headless Chromium
browser: $(INSTALLED) $(LAB_SETTINGS) $(CHROMIUM)
	$(PYTEST) tests/browser

## make instructor DEST=folder: the instructor's copy: every exercise solved and every notebook run (notebooks/ is the learner's copy)
instructor: $(INSTALLED)
	$(PYTHON) tools/instructor_copy.py $(or $(DEST),instructor)

## make benchmarks: speed and memory figures (printed, not asserted)
benchmarks: $(INSTALLED) $(CHROMIUM)
	$(PYTHON) benchmarks/bench_import.py
	$(PYTHON) benchmarks/bench_lr_curve.py
	$(PYTHON) benchmarks/bench_explore.py
	$(PYTHON) benchmarks/bench_notebooks.py

## make execute: refresh navigation, then re-run every notebook in place (after editing one)
execute: $(INSTALLED)
	$(PYTHON) tools/navigation.py
	cd notebooks && for nb in [0-9][0-9]_*.ipynb; do \
		../$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace "$$nb" || exit 1; done

## make nav: rewrite the navigation cells, the Colab set-up cells and the README's contents table
nav: $(INSTALLED)
	$(PYTHON) tools/navigation.py

## make clean: remove the environment and everything generated
clean:
	rm -rf $(VENV) artifacts instructor .pytest_cache
