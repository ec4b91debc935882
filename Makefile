# One task runner for people and CI. `make run` serves the portal on the
# bundled sample; `make test` runs every check. Both set themselves up.

PYTHON ?= $(shell command -v python3.13 || command -v python3.12 || command -v python3)
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: setup run test lint typecheck pytest bench system-deps clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

# NL Design System CSS for the portal and axe-core for its accessibility
# tests, from the npm registry, exactly as package-lock.json pins them.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.synced node_modules/.installed

## The main job: read the bundled real sample and serve the portal
## on http://127.0.0.1:8000 (idempotent: a second run imports nothing).
run: setup
	$(BIN)/openuitslag demo --host 127.0.0.1 --port 8000

## Every check: formatting, lint, types, and the whole test suite.
test: setup lint typecheck pytest

lint: setup
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench

typecheck: setup
	$(BIN)/mypy

pytest: setup
	$(BIN)/pytest

bench: setup
	$(BIN)/python -m bench

## Debian packages the browser, OCR and load tests use (needs root).
system-deps:
	@missing=""; \
	for pkg in chromium tesseract-ocr tesseract-ocr-nld wrk; do \
	  dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends $$missing; \
	fi

clean:
	rm -rf $(VENV) .tools .mypy_cache .pytest_cache .ruff_cache var
