# The two commands a newcomer needs: `make run` and `make test`. Both install what is missing.
HOST ?= 127.0.0.1
PORT ?= 8000
# Worker processes of `make run` (app/ops/serve.py; README "Workers").
WORKERS ?= 1

export UV_PYTHON_DOWNLOADS := never
# Use uv from PATH; otherwise bootstrap it with pip into .tools/ (no system-wide install).
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PYTHON ?= python3

.PHONY: run test lint migrate bench clean sync browser

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

sync: $(UV)
	$(UV) sync --locked

run: sync migrate
	$(UV) run python -m app serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

migrate: sync
	$(UV) run alembic upgrade head

test: sync browser
	$(UV) run pytest

# The page tests drive Debian's Chromium through Playwright's pip package (nothing is
# downloaded from elsewhere); CJK fonts so screenshots show glyphs, not boxes.
BROWSER_PACKAGES := chromium fonts-noto-cjk
browser:
	@command -v chromium >/dev/null && dpkg -s fonts-noto-cjk >/dev/null 2>&1 || \
		{ [ "$$(id -u)" = 0 ] || { echo "make test needs: sudo apt-get install $(BROWSER_PACKAGES)" >&2; exit 1; }; \
		  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; }

lint: sync
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy
	$(UV) run hadolint Dockerfile

# Benchmarks (bench/README.md): the bench dependency group and Debian's wrk load generator.
bench: $(UV)
	$(UV) sync --locked --group bench
	@command -v wrk >/dev/null || [ "$$(id -u)" = 0 ] || \
		{ echo "make bench needs wrk: sudo apt-get install wrk (Debian's package)" >&2; exit 1; }
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(UV) run --locked --group bench python bench/run.py $(ARGS)

clean:
	rm -rf .tools .venv var/*.sqlite3* .pytest_cache .mypy_cache .ruff_cache

# The importer against real published documents (bench/import_eval.py): CORPUS=../shared/corpus
CORPUS ?= ../shared/corpus
.PHONY: import-eval
import-eval: sync
	$(UV) run python -m bench.import_eval $(CORPUS)
