# `make run` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)

.PHONY: install sysdeps index run test eval bench loadtest screenshots clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -c constraints.txt -e '.[test,bench]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# Debian packages: chromium and an Arabic font for the browser tests, FreeDict for translation.
SYSPKGS := chromium fonts-noto-core dict-freedict-eng-ara dict-freedict-ara-eng
sysdeps:
	@missing=$$(for p in $(SYSPKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null; then \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	  else echo "please install: $$missing" >&2; fi; \
	fi

index: install
	$(PY) -m search index

# --update builds what the corpus lacks from the index: nothing if nothing changed (well under a
# second), everything if there is no index or it was built by another version of the analysis.
run: install sysdeps
	$(PY) -m search index --update
	$(PY) -m search serve

test: install sysdeps
	$(PY) -m pytest

# Name matching and translation quality; uses ../shared/corpora where it exists.
eval: install sysdeps
	$(PY) -m search eval --index var/eval/index

# Speed against the naive Whoosh baseline in the same run; writes var/bench/report.{json,md}.
bench: install sysdeps
	$(PY) -m search bench

# 30 s of 16 clients against a local server, with a rebuild in the middle (loopback only).
loadtest: install
	$(PY) scripts/loadtest.py

# Regenerate the README's screenshots from the browser tests.
screenshots: install sysdeps
	UPDATE_SCREENSHOTS=1 $(PY) -m pytest tests/test_browser.py -k "english_query or arabic_query"

clean:
	rm -rf $(VENV) var
