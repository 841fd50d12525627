# The two commands a newcomer needs: `make run` and `make test`. Both install what is missing.
HOST ?= 127.0.0.1
PORT ?= 8000

export UV_PYTHON_DOWNLOADS := never
# Use uv from PATH; otherwise bootstrap it with pip into .tools/ (no system-wide install).
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PYTHON ?= python3

.PHONY: run test lint migrate bench clean sync

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

sync: $(UV)
	$(UV) sync --locked

run: sync migrate
	$(UV) run uvicorn --factory app.main:create_app --host $(HOST) --port $(PORT) --no-access-log

migrate: sync
	$(UV) run alembic upgrade head

test: sync
	$(UV) run pytest

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
