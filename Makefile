# Two commands set everything up on a fresh clone:  make lab  and  make test.
# Both create .venv if it is missing, install the pinned environment (requirements.lock), and are
# quick when that is already done.

SHELL := /bin/bash
PYTHON_BOOTSTRAP ?= python3
VENV := .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
AS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_VERBOSITY := error

.PHONY: lab test unit notebooks browser student benchmarks execute nav clean

$(INSTALLED): pyproject.toml requirements.lock
	test -x $(PYTHON) || $(PYTHON_BOOTSTRAP) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[lab,test]'
	touch $@

$(LAB_SETTINGS): binder/overrides.json $(INSTALLED)
	mkdir -p $(dir $@) && cp binder/overrides.json $@

$(CHROMIUM):
	$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium

## make lab: JupyterLab on 127.0.0.1 (token on), opened at the first notebook
lab: $(INSTALLED) $(LAB_SETTINGS)
	$(VENV)/bin/jupyter lab --ServerApp.ip=127.0.0.1 $(AS_ROOT) notebooks/00_start_here.ipynb

## make test: every test: unit and property tests, doctests, notebooks (nbval, strict), browser
test: $(INSTALLED) $(LAB_SETTINGS) $(CHROMIUM)
	$(PYTHON) -m pytest -n 2 --dist loadfile -p no:cacheprovider \
		--nbval --nbval-cell-timeout 300 \
		tests lrlib notebooks

## make student DEST=folder: a copy for students (outputs cleared, solutions removed)
student: $(INSTALLED)
	$(PYTHON) tools/student_copy.py $(or $(DEST),student)

## make benchmarks: speed and memory figures (printed, not asserted)
benchmarks: $(INSTALLED) $(CHROMIUM)
	$(PYTHON) benchmarks/bench_lr_curve.py
	$(PYTHON) benchmarks/bench_explore.py
	$(PYTHON) benchmarks/bench_notebooks.py

## make execute: re-run every notebook in place (after editing one), then refresh navigation
execute: $(INSTALLED)
	$(PYTHON) tools/navigation.py
	cd notebooks && for nb in [0-9][0-9]_*.ipynb; do \
		../$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace "$$nb" || exit 1; done

nav: $(INSTALLED)
	$(PYTHON) tools/navigation.py

clean:
	rm -rf $(VENV) artifacts student .pytest_cache
