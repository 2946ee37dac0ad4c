# Two commands do all set-up on a fresh machine (Python >= 3.11 with venv, and make):
#   make run    install into .venv, then start the map app
#   make test   install into .venv, then run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test validate lint bench clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test,dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/streamlit run app.py

test: $(STAMP)
	$(BIN)/python -m pytest

validate: $(STAMP)
	$(BIN)/python -m geo validate

lint: $(STAMP)
	$(BIN)/ruff check geo tests bench app.py
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/build.py
	$(BIN)/python bench/app.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/pdf_libraries.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
