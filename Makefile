# Two commands set everything up on a fresh machine:
#   make run    - the bot (a terminal chat when KEPEMILUAN_TELEGRAM_TOKEN is unset)
#   make test   - the test suite
PY ?= python3
VENV ?= .venv
# Where torch comes from. Empty: the package index pip is configured with. On a machine without a
# GPU set TORCH_INDEX=https://download.pytorch.org/whl/cpu to get the CPU build (~200 MB) instead
# of PyPI's default Linux wheel, which pulls several GB of CUDA libraries.
TORCH_INDEX ?=
export ORT_DISABLE_TELEMETRY=1
export ANONYMIZED_TELEMETRY=False
export HF_HUB_OFFLINE=1

$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	# torch is pinned in the same install as everything that needs it
	$(if $(TORCH_INDEX),$(VENV)/bin/pip install -q "torch==2.13.0" --index-url $(TORCH_INDEX))
	$(VENV)/bin/pip install -q "torch==2.13.0" -e ".[dev]"
	touch $@

install: $(VENV)/.installed

run: install
	$(VENV)/bin/kepemiluan run

test: install
	$(VENV)/bin/python -m pytest -q

.PHONY: install run test
