# Two commands set everything up on a fresh clone:  make lab  and  make test.
# Both create .venv if it is missing, install the pinned environment (requirements.lock), and are
# quick when that is already done. `make help` lists every target.
# make lab opens the learner's own copy of the notebooks, my_notebooks/ (git ignores it), so that
# a `git pull` never clashes with their edits; make fresh NB=05 starts one over from notebooks/.

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
# The learner's copy of notebooks/ that make lab opens, and beside it (hidden) the collection's
# version each notebook was copied from, to tell when notebooks/ has changed since.
MINE := my_notebooks
COPIED_FROM := $(MINE)/.copied-from
FIRST_NOTEBOOK := 00_start_here.ipynb
# JupyterLab's kernels talk to it over Unix sockets, not TCP: both stay on this machine, but over
# TCP every kernel logs "Kernel is running over TCP without encryption". KERNEL_TRANSPORT=tcp brings
# TCP back (a socket path must be under ~100 characters: a very deep home folder can exceed it).
KERNEL_TRANSPORT ?= ipc
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
AS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
# The ends of the transformers range that tests/test_conformance.py is run against, both read from
# pyproject.toml (as tools/versions.py reads them): the lowest from the `course` extra, the newest
# from [tool.lrlib] transformers-newest-tested.
TRANSFORMERS_LOWEST := $(shell sed -n 's/^ *"transformers>=\([0-9.]*\),.*/\1/p' pyproject.toml)
TRANSFORMERS_NEWEST := $(shell sed -n 's/^transformers-newest-tested *= *"\([0-9.]*\)".*/\1/p' pyproject.toml)
# make test's steps, in order (a variable so tests/test_makefile.py can run make test on stand-ins)
TEST_STEPS ?= test-everything notebooks-plain-kernels notebooks-two-threads transformers-range editions-test
# torch comes from PyTorch's CPU wheel index: on Linux, PyPI's torch is the CUDA build (several GB).
# Only torch is looked up there (--no-deps); its dependencies come with the next install, from PyPI.
# TORCH_INDEX= (empty) leaves torch to pip's own configuration.
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
TORCH_FROM = $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX))
# make lock runs pip-compile (pip-tools) from a venv of its own
PIP_TOOLS := .cache/pip-tools
# $(MAKE) $(SIDE_BY_SIDE) a b: two targets at once, on both cores, each one's output printed whole when it
# ends (-k: both run to the end)
SIDE_BY_SIDE := --no-print-directory -k -j 2 --output-sync=target
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_VERBOSITY := error

.PHONY: help lab mine fresh test colab-sim-in-background unit notebooks browser test-everything notebooks-plain-kernels notebooks-two-threads \
	transformers-range instructor benchmarks execute nav lock clean book book-test handouts slides slides-test editions-test

## make help: this list
help:
	@sed -n 's/^## make /make /p' Makefile

# pip byte-compiles what it installs one file at a time; compileall does it on every core (-j 0). A file
# that does not compile (a package's Python 2 test data, say) is left as pip leaves it: compileall's
# exit status is not checked.
PIP_QUIET := --quiet --disable-pip-version-check --no-compile

$(INSTALLED): pyproject.toml requirements.lock
	test -x $(PYTHON) || $(PYTHON_BOOTSTRAP) -m venv $(VENV)
	$(PYTHON) -m pip install $(PIP_QUIET) --no-deps -c requirements.lock torch $(TORCH_FROM)
	$(PYTHON) -m pip install $(PIP_QUIET) -c requirements.lock -e '.[course,lab,test,book]'
	$(PYTHON) -m compileall -q -j 0 $(VENV)/lib > /dev/null || true
	touch $@

# JupyterLab's settings for make lab and Binder: no news or update pop-ups, and every cell rendered
# (windowingMode "none"): with the default, "contentVisibility", a link to a heading scrolls to
# the wrong place (docs/maintaining.md, "Links to headings").
$(LAB_SETTINGS): binder/overrides.json $(INSTALLED)
	mkdir -p $(dir $@) && cp binder/overrides.json $@

$(CHROMIUM):
	$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium

## make lab: JupyterLab on 127.0.0.1 (token on) at notebook 00 of your copy, my_notebooks/; it runs until Ctrl-C
lab: $(INSTALLED) $(LAB_SETTINGS) mine
	@echo "JupyterLab opens $(MINE)/$(FIRST_NOTEBOOK). With no browser here, open the http://127.0.0.1:... link it prints."
	@echo "It runs until you press Ctrl-C here; your notebooks are saved as you go."
	$(VENV)/bin/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=$(MINE) \
		--LabApp.default_url=/lab/tree/$(FIRST_NOTEBOOK) --KernelManager.transport=$(KERNEL_TRANSPORT) $(AS_ROOT)

## make mine: copy into my_notebooks/ each notebook you do not have yet (make lab does this); never overwrites one
mine:
	@mkdir -p $(COPIED_FROM)
	@for source in notebooks/[0-9][0-9]_*.ipynb; do \
		name=$${source#notebooks/}; \
		if [ ! -e "$(MINE)/$$name" ]; then \
			cp "$$source" "$(MINE)/$$name" && cp "$$source" "$(COPIED_FROM)/$$name" && echo "copied $$source to $(MINE)/"; \
		elif [ ! -e "$(COPIED_FROM)/$$name" ]; then \
			! cmp -s "$$source" "$(MINE)/$$name" || cp "$$source" "$(COPIED_FROM)/$$name"; \
		elif ! cmp -s "$$source" "$(COPIED_FROM)/$$name"; then \
			echo "$$source has changed since you copied it: make fresh NB=$${name:0:2} starts yours over from it (and keeps yours)"; \
		fi; \
	done

## make fresh NB=05: start notebook 05 of my_notebooks/ over from notebooks/ (yours is kept in my_notebooks/previous/); NB=all: every one
fresh:
	@case "$(NB)" in \
		all) pattern='[0-9][0-9]';; \
		[0-9]) pattern='0$(NB)';; \
		[0-9][0-9]*) pattern='$(NB)'; pattern=$${pattern:0:2};; \
		*) echo "Which notebook? make fresh NB=05 starts 05 over (NB=all: every notebook)"; exit 2;; \
	esac; \
	sources=$$(ls notebooks/$${pattern}_*.ipynb 2>/dev/null); \
	if [ -z "$$sources" ]; then echo "No notebook $(NB) in notebooks/"; exit 2; fi; \
	mkdir -p $(MINE)/previous $(COPIED_FROM); stamp=$$(date +%Y-%m-%d_%H%M%S); \
	for source in $$sources; do \
		name=$${source#notebooks/}; \
		if [ -e "$(MINE)/$$name" ] && ! cmp -s "$$source" "$(MINE)/$$name"; then \
			mv "$(MINE)/$$name" "$(MINE)/previous/$${name%.ipynb}_$$stamp.ipynb"; \
			echo "kept yours as $(MINE)/previous/$${name%.ipynb}_$$stamp.ipynb"; \
		fi; \
		cp "$$source" "$(MINE)/$$name" && cp "$$source" "$(COPIED_FROM)/$$name"; \
		echo "$(MINE)/$$name starts over from $$source (open in JupyterLab? File > Reload Notebook from Disk)"; \
	done

## make test: everything below, each step run even if one before failed; fails if any failed
# While the first steps run, the two transformers releases of transformers-range are installed in the
# background (pip: mostly downloads). notebooks-two-threads is not run where torch's default is already
# 2 threads (a 2-core machine): make test-everything's nbval has just run every notebook with 2 threads.
# The simulated Colab of tests/test_colab.py is built in the background while .venv installs (make builds
# prerequisites left to right): tools/colab_sim.py, log in .venv/colab-sim.log.
test: $(if $(filter test-everything,$(TEST_STEPS)),colab-sim-in-background) $(INSTALLED) $(LAB_SETTINGS) $(CHROMIUM)
	@failed=""; \
	$(if $(filter transformers-range,$(TEST_STEPS)),mkdir -p $(VENV)/transformers; \
		for release in $(TRANSFORMERS_LOWEST) $(TRANSFORMERS_NEWEST); do $(PYTHON) tools/transformers_at.py $$release; done \
		> $(VENV)/transformers/install.log 2>&1 & installing=$$!;) \
	for step in $(TEST_STEPS); do \
		if [ $$step = notebooks-two-threads ] && [ "$$($(PYTHON) -c 'import torch; print(torch.get_num_threads())')" = 2 ]; then \
			echo "=== make notebooks-two-threads: not run: torch's default here is 2 threads, so make test-everything's nbval ran every notebook with 2"; \
			continue; \
		fi; \
		if [ $$step = transformers-range ] && [ -n "$$installing" ]; then wait $$installing || cat $(VENV)/transformers/install.log; fi; \
		echo "=== make $$step"; \
		SECONDS=0; $(MAKE) --no-print-directory $$step || failed="$$failed $$step"; \
		echo "=== make $$step: $${SECONDS} s"; \
	done; \
	if [ -n "$$failed" ]; then echo "make test: FAILED:$$failed"; exit 1; fi; \
	echo "make test: every step passed"

colab-sim-in-background:
	@mkdir -p $(VENV) && { $(PYTHON_BOOTSTRAP) tools/colab_sim.py > $(VENV)/colab-sim.log 2>&1 & }

## make test-everything: one pytest run: unit, property and conformance tests, doctests, packaging and Colab checks, notebooks (nbval, strict), browser
test-everything: $(INSTALLED) $(LAB_SETTINGS) $(CHROMIUM)
	$(PYTEST) -n 2 --dist loadfile --durations=20 $(NBVAL) tests lrlib notebooks

## make notebooks-plain-kernels: the notebooks again, nbval strict, on torch's plain kernels (ATEN_CPU_CAPABILITY=default)
notebooks-plain-kernels: $(INSTALLED)
	ATEN_CPU_CAPABILITY=default $(PYTEST) $(NOTEBOOK_RUN) notebooks

## make notebooks-two-threads: the notebooks again, nbval strict, with OMP_NUM_THREADS=2
notebooks-two-threads: $(INSTALLED)
	OMP_NUM_THREADS=2 $(PYTEST) $(NOTEBOOK_RUN) notebooks

## make transformers-range: the conformance tests against the lowest and the newest transformers of the range, side by side
# Each end is one pytest process (no xdist: two workers would each import torch, transformers and
# hypothesis again); the two run at once, each output shown whole when it ends.
transformers-range: $(INSTALLED)
	@test -n "$(TRANSFORMERS_LOWEST)" || { echo "no transformers>=X in pyproject.toml"; exit 1; }
	@test -n "$(TRANSFORMERS_NEWEST)" || { echo "no transformers-newest-tested = \"X.Y.Z\" in pyproject.toml's [tool.lrlib]"; exit 1; }
	$(MAKE) $(SIDE_BY_SIDE) transformers-at-$(TRANSFORMERS_LOWEST) transformers-at-$(TRANSFORMERS_NEWEST)

# make transformers-at-5.4.0: the conformance tests against that release (tools/transformers_at.py installs it beside .venv)
transformers-at-%: $(INSTALLED)
	folder=$$($(PYTHON) tools/transformers_at.py $*) \
		&& LRLIB_EXPECT_TRANSFORMERS=$* PYTHONPATH=$$folder $(PYTEST) -q -p no:xdist tests/test_conformance.py

# Test by test over both workers (--dist load: no notebook here needs its cells kept on one worker; with
# pytest 9, xdist's loadgroup no longer groups). -p no:nbval: nbval's import costs each pytest process
# seconds of CPU (nbformat's jsonschema builds a URI grammar at import). LRLIB_QUICK_PROPERTIES=1: the
# property tests that train real Trainers draw a quarter of their examples (make test draws them all).
## make unit: the fast subset: unit, property and conformance tests and doctests (no notebooks, browser, installs)
unit: $(INSTALLED)
	LRLIB_QUICK_PROPERTIES=1 $(PYTEST) -n 2 --dist load -p no:nbval -m "not slow and not environment" tests lrlib --ignore=tests/browser

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

# make execute NB=05 re-runs notebook 05 only (NB=5 too; NB="03 05" both); without NB, every notebook.
NOTEBOOK_NUMBERS := $(foreach file,$(notdir $(wildcard notebooks/[0-9][0-9]_*.ipynb)),$(firstword $(subst _, ,$(file))))
EXECUTE_NUMBERS = $(if $(filter-out all,$(NB)),$(foreach n,$(NB),$(if $(filter 0 1 2 3 4 5 6 7 8 9,$(n)),0$(n),$(n))),$(NOTEBOOK_NUMBERS))
EXECUTE_UNKNOWN = $(filter-out $(NOTEBOOK_NUMBERS),$(EXECUTE_NUMBERS))
EXECUTE_FILES = $(foreach n,$(EXECUTE_NUMBERS),$(notdir $(wildcard notebooks/$(n)_*.ipynb)))
ifneq ($(filter execute,$(MAKECMDGOALS)),)
ifneq ($(EXECUTE_UNKNOWN),)
$(error make execute NB=$(NB): no notebook numbered $(EXECUTE_UNKNOWN) in notebooks/. NB is one of: $(NOTEBOOK_NUMBERS) (leave NB out to run every one))
endif
endif

## make execute: refresh navigation, re-run every notebook in place and normalize it (NB=05: that one only)
execute: $(INSTALLED)
	$(PYTHON) tools/navigation.py
	cd notebooks && for nb in $(EXECUTE_FILES); do \
		../$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace --KernelManager.transport=$(KERNEL_TRANSPORT) "$$nb" \
		&& ../$(PYTHON) ../tools/normalize_notebooks.py "$$nb" || exit 1; done

# Each command a generated file is checked with: it exits 1, naming the file, when that file is out of date.
GENERATED_CHECKS := tools/navigation.py tools/schedule_table.py tools/binder_requirements.py tools/environment_yml.py tools/versions.py \
	tools/readme_figure.py tools/normalize_notebooks.py tools/cheat_sheet.py tools/slide_plan.py
.PHONY: check-generated
## make check-generated: every generated file is current (navigation, README tables, docs/errors.md, Binder's requirements, environment.yml, version mentions, the README's figure, notebooks normalized, the cheat sheet, slide metadata as slides/plan.toml says)
check-generated: $(INSTALLED)
	@failed=""; \
	for tool in $(GENERATED_CHECKS); do \
		$(PYTHON) $$tool --check || failed="$$failed $$tool"; \
	done; \
	if [ -n "$$failed" ]; then echo "make check-generated: FAILED:$$failed (each names its stale file; run it without --check to rewrite)"; exit 1; fi; \
	echo "make check-generated: every generated file is current"

# make lock: pip-compile prefers the lock's current pins (it moves one only when pyproject.toml or
# lock-constraints.txt asks for it); the sed drops the CPU wheel's local label (torch's +cpu), which
# PyPI lacks: torch==X.Y.Z also accepts X.Y.Z+cpu.
## make lock: recompile requirements.lock from pyproject.toml's extras (lock-constraints.txt holds torch), then Binder's file, environment.yml and the version mentions
lock: $(PIP_TOOLS)/bin/pip-compile
	CUSTOM_COMPILE_COMMAND="make lock" $(PIP_TOOLS)/bin/pip-compile --quiet --strip-extras --no-emit-index-url \
		--no-emit-find-links $(TORCH_FROM) --extra course --extra lab --extra test --extra book -c lock-constraints.txt -o requirements.lock pyproject.toml
	sed -i 's/^\([A-Za-z0-9_.-]*==[^+ ]*\)+[A-Za-z0-9.]*/\1/' requirements.lock
	$(PYTHON_BOOTSTRAP) tools/binder_requirements.py
	$(PYTHON_BOOTSTRAP) tools/environment_yml.py
	$(PYTHON_BOOTSTRAP) tools/versions.py --write

$(PIP_TOOLS)/bin/pip-compile:
	$(PYTHON_BOOTSTRAP) -m venv $(PIP_TOOLS)
	$(PIP_TOOLS)/bin/pip install --quiet --disable-pip-version-check 'pip-tools>=7.7,<8'

## make nav: rewrite the navigation cells, the Colab set-up cells and the README's contents table
nav: $(INSTALLED)
	$(PYTHON) tools/navigation.py

# The book edition: Sphinx with MyST-NB and sphinx-book-theme (Jupyter Book 1's stack), from the
# `book` extra in the locked environment. MathJax comes from the npm registry at the one version pinned
# here, unpacked into build/vendor/ (git ignores build/): a page loads nothing from another site. The
# notebooks are not executed: the book shows their committed outputs.
MATHJAX_VERSION := 3.2.2
NPM_CACHE := build/npm-cache
MATHJAX := $(NPM_CACHE)/mathjax-$(MATHJAX_VERSION).unpacked
# npm, to fetch what the book and the slides vendor: Debian's, where none is on the PATH
NPM := $(or $(shell command -v npm),/usr/bin/npm)

$(NPM):
	$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq npm

# MathJax's browser build, es5/, without the combined bundles the book does not load: tex-chtml.js
# and the folders it loads its fonts and extensions from.
$(MATHJAX): | $(NPM)
	rm -rf build/vendor/mathjax $(NPM_CACHE)/package && mkdir -p $(NPM_CACHE) build/vendor/mathjax
	cd $(NPM_CACHE) && npm pack --silent mathjax@$(MATHJAX_VERSION) > /dev/null
	tar -xzf $(NPM_CACHE)/mathjax-$(MATHJAX_VERSION).tgz -C $(NPM_CACHE) package/es5
	cd $(NPM_CACHE)/package/es5 && cp -r tex-chtml.js a11y adaptors input output sre ui $(CURDIR)/build/vendor/mathjax/
	touch $@

## make book: the collection as a static book in build/book/ (open build/book/index.html), from the committed outputs
book: $(INSTALLED) $(MATHJAX)
	rm -rf build/book build/book-doctrees
	SECONDS=0; $(VENV)/bin/sphinx-build -b html -W --keep-going -q -d build/book-doctrees -c book book build/book \
		&& echo "make book: build/book/index.html, built in $${SECONDS} s"

## make handouts: printable hand-outs in build/handouts/ (no kernel, nothing loaded from outside): notebook 13's questions without answers, the cheat sheet
handouts: $(INSTALLED) $(MATHJAX)
	rm -rf build/handouts && mkdir -p build/handouts
	cp -r build/vendor/mathjax build/handouts/mathjax
	$(PYTHON) tools/handouts.py build/handouts

## make book-test: make book and make handouts, then their tests: links, images, and the pages in headless Chromium (file:// and 127.0.0.1)
book-test: book handouts $(CHROMIUM)
	BOOK_DIR=build/book HANDOUTS_DIR=build/handouts $(PYTEST) --confcutdir=tests/book -m book tests/book book/bookedition.py

# The slide edition: jupyter nbconvert --to slides (slides/nbconvert_config.py, its template in
# slides/template/), one reveal.js deck per notebook 01-12 from the committed outputs, which cells are
# slides being the notebooks' own metadata (slides/plan.toml, written by tools/slide_plan.py).
# reveal.js and MathJax 2 (nbconvert's reveal template speaks MathJax 2) come from the npm registry at
# the versions pinned here and are copied beside the decks, into build/slides/vendor/: a deck loads
# nothing from another site, and build/slides/ works wherever it is copied.
REVEAL_VERSION := 4.6.1
MATHJAX2_VERSION := 2.7.9
REVEAL := $(NPM_CACHE)/reveal.js-$(REVEAL_VERSION)
MATHJAX2 := $(NPM_CACHE)/mathjax-$(MATHJAX2_VERSION)
SLIDE_NOTEBOOKS = $(sort $(wildcard notebooks/0[1-9]_*.ipynb notebooks/1[0-2]_*.ipynb))

# reveal.js's browser build (dist/: the script, its styles, the themes and their fonts) and its speaker
# notes plugin.
$(REVEAL).unpacked: | $(NPM)
	rm -rf $(REVEAL) && mkdir -p $(REVEAL)
	cd $(NPM_CACHE) && npm pack --silent reveal.js@$(REVEAL_VERSION) > /dev/null
	tar -xzf $(REVEAL).tgz -C $(REVEAL) --strip-components=1 package/LICENSE package/dist package/plugin/notes
	touch $@

# MathJax 2 without what the decks never load: the TeX input, the CommonHTML output and its web fonts,
# the TeX-AMS_CHTML-full and Safe configurations (nbconvert asks for both) and the extensions they load.
$(MATHJAX2).unpacked: | $(NPM)
	rm -rf $(MATHJAX2) && mkdir -p $(MATHJAX2)
	cd $(NPM_CACHE) && npm pack --silent mathjax@$(MATHJAX2_VERSION) > /dev/null
	tar -xzf $(MATHJAX2).tgz -C $(MATHJAX2) --strip-components=1 package/LICENSE package/MathJax.js \
		package/config/TeX-AMS_CHTML-full.js package/config/Safe.js package/extensions package/jax/input/TeX package/jax/element \
		package/jax/output/CommonHTML package/fonts/HTML-CSS/TeX/woff
	touch $@

## make slides: a reveal.js slideshow per notebook 01-12 in build/slides/ (open build/slides/index.html), from the committed outputs, offline
slides: $(INSTALLED) $(REVEAL).unpacked $(MATHJAX2).unpacked
	rm -rf build/slides && mkdir -p build/slides/vendor
	cp -r $(REVEAL) build/slides/vendor/reveal.js && cp -r $(MATHJAX2) build/slides/vendor/mathjax
	SECONDS=0; PYTHONPATH=slides $(VENV)/bin/jupyter nbconvert --config slides/nbconvert_config.py --to slides \
		--log-level=WARN --output-dir build/slides $(SLIDE_NOTEBOOKS) \
		&& $(PYTHON) slides/slideedition.py build/slides $(SLIDE_NOTEBOOKS) \
		&& echo "make slides: build/slides/index.html, built in $${SECONDS} s"

## make slides-test: make slides, then its tests: every deck stepped through in headless Chromium, offline
slides-test: slides $(CHROMIUM)
	SLIDES_DIR=build/slides $(PYTEST) --confcutdir=tests/slides -m slides tests/slides

## make editions-test: make book-test and make slides-test side by side, each output shown whole when it ends
# Each is a single-threaded build and then one Chromium: side by side, they keep both cores busy.
editions-test:
	$(MAKE) $(SIDE_BY_SIDE) book-test slides-test

## make clean: remove the environment and everything generated
clean:
	rm -rf $(VENV) artifacts instructor build .pytest_cache
