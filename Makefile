# Solidaria: `make run` to serve the platform, `make test` to run the suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PORT
export DJANGO_SETTINGS_MODULE ?= config.settings.development

.PHONY: run test lint bench bench-pages bench-sign bench-orders bench-million bench-people bench-mailing install install-dev messages lock clean-venv

$(VENV)/.created:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Solidaria needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed: $(VENV)/.created pyproject.toml constraints.txt
	$(PY) -m pip install --quiet -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Compiles the translation catalogues with Babel (pure Python: no gettext needed).
messages: $(VENV)/.installed
	@$(VENV)/bin/pybabel compile --domain django --directory solidaria/locale --statistics 2>&1 | grep -v '^$$' || true

run: install messages
	@mkdir -p var
	$(PY) manage.py migrate --no-input --verbosity 0
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) manage.py bootstrap
	$(PY) manage.py serve --port $(PORT)

# In parallel, one process per core (measured on two cores: 48 s against 68 s);
# PYTEST_ARGS="-n 0" runs it in one process.
test: install-dev messages
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest -n auto $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy solidaria config

# Benchmarks (not tests): see bench/README.md. Each needs wrk (apt-get install wrk).
bench: bench-pages bench-sign bench-orders bench-million bench-people bench-mailing

bench-pages: install-dev messages
	$(PY) bench/run.py $(BENCH_ARGS)

bench-sign: install-dev messages
	$(PY) bench/sign.py $(BENCH_ARGS)

bench-orders: install-dev messages
	$(PY) bench/orders.py $(BENCH_ARGS)

bench-million: install-dev messages
	$(PY) bench/million.py $(BENCH_ARGS)

bench-people: install-dev messages
	$(PY) bench/people.py $(BENCH_ARGS)

bench-mailing: install-dev messages
	$(PY) bench/mailing.py $(BENCH_ARGS)

# Re-pins every dependency after a change to pyproject.toml.
lock: $(VENV)/.created
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt

clean-venv:
	rm -rf $(VENV)
