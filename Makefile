# Two commands on a fresh Debian/Ubuntu machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app krafte_pwa
HOST ?= 0.0.0.0
PORT ?= 8000
SYSTEM_PACKAGES := libzbar0 poppler-utils chromium fonts-dejavu-core postgresql
PYTEST_ARGS ?=
# make run DEMO=0: your own installation (the first admin asked for once), no demo data.
DEMO ?= 1
# The suite runs in parallel (pytest-xdist): each worker is a process with its own
# PostgreSQL server, SQLite files, live server and Chromium. Tests marked
# xdist_group(name) share one worker (loadgroup); the others go wherever a worker is free.
# 2 workers on a 2-core machine: a third was slower (PostgreSQL and Chromium need the CPU).
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadgroup

.PHONY: install system-packages venv translations migrate init run dev test test-fast lint bench load clean

install: system-packages venv translations

# Installs what is missing, as root; otherwise says what to install.
system-packages:
	@missing=""; \
	for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "missing system packages:$$missing"; \
	    echo "run: sudo apt-get install --no-install-recommends$$missing"; exit 1; \
	  fi; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

translations: venv
	@if ls krafte_pwa/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
	  $(BIN)/pybabel compile -d krafte_pwa/translations >/dev/null; fi

migrate: install
	$(FLASK) db upgrade

# An installation of your own: migrations, no demo, the first admin (asked for).
init: install
	$(FLASK) init

# The channel worker (stock levels to shops) runs beside the server and stops with it.
run: migrate
ifeq ($(DEMO),0)
	$(FLASK) init --if-empty
else
	$(FLASK) demo --if-empty
endif
	@# The LAN address goes to the app too: labels printed from localhost carry it
	@# (unless KRAFTE_BASE_URL is set), so phones on the network can open them.
	@ip=$$(hostname -I 2>/dev/null | awk '{print $$1}'); \
	if [ -n "$$ip" ]; then export KRAFTE_LAN_URL="http://$$ip:$(PORT)/"; fi; \
	echo; echo "Krafte is running. Open http://localhost:$(PORT)/ here, or http://$${ip:-<this machine>}:$(PORT)/ from a phone on the same network."; \
	if [ -n "$$ip" ] && [ -z "$$KRAFTE_BASE_URL" ]; then echo "Labels will carry http://$$ip:$(PORT)/ (set KRAFTE_BASE_URL to choose another address)."; fi; \
	if [ "$(DEMO)" != "0" ]; then echo "Demo login: manager / krafte-demo (operator / krafte-floor, admin / krafte-admin)"; fi; echo; \
	$(FLASK) worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	$(BIN)/gunicorn --workers 2 --threads 4 --preload --bind $(HOST):$(PORT) --access-logfile - 'krafte_pwa:create_app()'

dev: migrate
	$(FLASK) demo --if-empty
	$(FLASK) run --debug --host $(HOST) --port $(PORT)

test: install
	$(BIN)/ruff check .
	$(PYTEST) $(PYTEST_ARGS)

# The quick loop: domain, scan, labels and services (both databases); no web pages, no browser.
test-fast: install
	$(PYTEST) tests/unit tests/services $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .

# Every bench runs once; each times its own subject (recall: bench/recall.py only), exits
# non-zero when a target it prints is missed, and the misses are listed at the end
# (bench/load.py is `make load`; timing.py is their shared module).
bench: install
	@missed=""; for f in bench/*.py; do \
	  case "$$f" in bench/load.py|bench/timing.py) continue;; esac; \
	  echo "== $$f"; $(BIN)/python $$f || missed="$$missed $$f"; done; \
	if [ -n "$$missed" ]; then echo; echo "targets missed in:$$missed"; exit 1; fi

load: install
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
