# The two commands a fresh machine needs (Python 3.11+ only):
#   make preview   set up .venv, then run the offline policy gate on the dev stack
#   make test      set up .venv, then run the whole test suite
VENV := .venv
STAMP := $(VENV)/.installed
PYTHON ?= python3

.PHONY: preview test bench evidence regen regen-check
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

preview: $(STAMP)
	$(VENV)/bin/perimeter preview --stack dev

test: $(STAMP)
	$(VENV)/bin/python -m pytest

evidence: $(STAMP)
	$(VENV)/bin/perimeter evidence --stack prod --policy-config policies/config/prod.json --out evidence/

# Everything generated from the pack (docs/policies.md, the ids table in docs/CONTRACTS.md,
# policies/perimeter_policies/reads.json, tests/evidence/golden/); regen-check changes nothing, exits 1 if stale.
regen: $(STAMP)
	$(VENV)/bin/python -m perimeter.regen

regen-check: $(STAMP)
	$(VENV)/bin/python -m perimeter.regen --check

bench: $(STAMP)
	$(VENV)/bin/python -m bench.preview_scaling
