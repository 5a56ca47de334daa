"""Golden files: the dev stack's evidence pack, with generation time and commit pinned.

The goldens are written by `make regen` (perimeter/regen.py), never by a test; this test only compares,
with the same function, so it fails whenever the output and a golden differ.
"""

import csv
import os

import pytest

from perimeter.regen import COMMAND, golden_dir, write_golden_evidence

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOLDEN = golden_dir(ROOT)


@pytest.fixture(scope="module")
def dev_pack(tmp_path_factory):
    out = tmp_path_factory.mktemp("dev-evidence")
    write_golden_evidence(ROOT, str(out))
    return out


def test_dev_evidence_matches_golden(dev_pack):
    produced = sorted(os.listdir(dev_pack))
    assert produced == sorted(os.listdir(GOLDEN)), f"the evidence pack's files changed; run `{COMMAND}`"
    changed = [name for name in produced
               if (dev_pack / name).read_text() != open(os.path.join(GOLDEN, name), encoding="utf-8").read()]
    assert not changed, f"{', '.join(changed)} changed; if intended, run `{COMMAND}` and review the diff"


def test_dev_evidence_is_clean_and_complete(dev_pack):
    with open(dev_pack / "controls.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert not [r for r in rows if r["status"] == "NON_COMPLIANT"]
    assert {r["control"] for r in rows} >= {"cmk-encryption-at-rest", "approved-regions", "bedrock-guardrail-versioned",
                                           "bedrock-guardrail-blocks-card-numbers", "log-retention-bounded"}
    assert not [r for r in rows if r["phase"] == "update" and r["status"] == "UNKNOWN_AT_PREVIEW"]
