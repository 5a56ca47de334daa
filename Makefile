# The two commands a fresh machine needs (Python 3.11+ only):
#   make preview   set up .venv, then run the offline policy gate on the dev stack
#   make test      set up .venv, then run the whole test suite
VENV := .venv
STAMP := $(VENV)/.installed
PYTHON ?= python3

.PHONY: preview test bench bench-redaction evidence regen regen-check engine conformance
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

preview: $(STAMP)
	$(VENV)/bin/perimeter preview --stack dev

# Both cores: the suite is I/O- and subprocess-bound (programs, the pack, moto), so two workers halve it.
# loadgroup: tests that share a per-process cache (tests/components' stack builds) run on one worker.
test: $(STAMP)
	$(VENV)/bin/python -m pytest -n 2 --dist loadgroup

# Exit 1 is expected until a live evaluation record for prod is committed: the pack is written either way
# and shows prod's pending launch gate (perimeter evaluate --stack prod --live --record evaluations/prod/).
evidence: $(STAMP)
	$(VENV)/bin/perimeter evidence --stack prod --policy-config policies/config/prod.json --out evidence/ \
		|| test $$? -eq 1

# Everything generated from the pack (docs/policies.md, the ids table in docs/CONTRACTS.md,
# policies/perimeter_policies/reads.json, tests/evidence/golden/); regen-check changes nothing, exits 1 if stale.
regen: $(STAMP)
	$(VENV)/bin/python -m perimeter.regen

regen-check: $(STAMP)
	$(VENV)/bin/python -m perimeter.regen --check

bench: $(STAMP)
	$(VENV)/bin/python -m bench.preview_scaling

# Layer-1 redaction against Presidio's card recognizer, a benchmark-only peer (requirements-bench.txt).
bench-redaction: $(STAMP)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	$(VENV)/bin/python -m bench.redaction

# The real Pulumi CLI and Python language host, built from their Go modules into .tools/ (needs Go;
# see tools/pulumi-engine/build.sh). A second run builds nothing.
engine:
	nice -n 10 tools/pulumi-engine/build.sh

# `pulumi preview/up --policy-pack` on the real engine against `perimeter preview` (tests/conformance).
conformance: $(STAMP) engine
	$(VENV)/bin/python -m pytest tests/conformance -n 2

# Mutation testing of the pack and the verdict logic (docs/MUTATION.md), 2 workers at low priority.
# GROUPS="verdict rule-kms_key_rotation" runs a subset; `python tools/mutation.py --list` names them all.
.PHONY: mutation
DEV_STAMP := $(VENV)/.dev-installed
$(DEV_STAMP): requirements-dev.txt $(STAMP)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(DEV_STAMP)

mutation: $(DEV_STAMP)
	$(VENV)/bin/python tools/mutation.py $(GROUPS)
