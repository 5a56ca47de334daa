"""Golden files: the dev stack's evidence pack, with generation time and commit injected.

Regenerate after an intended change with PERIMETER_UPDATE_GOLDEN=1 and review the diff.
"""

import datetime as dt
import os

import pytest

from perimeter.engine.analyzer import load_policy_config
from perimeter.engine.preview import PreviewOptions, run_preview
from perimeter.evidence.writer import write_evidence

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden", "dev")
CONFIG = os.path.join(ROOT, "policies", "config", "dev.json")
GENERATED_AT = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.timezone.utc)
COMMIT = "0" * 40


@pytest.fixture(scope="module")
def dev_pack(tmp_path_factory):
    report = run_preview(PreviewOptions(ROOT, "dev", os.path.join(ROOT, "policies"), CONFIG))
    out = tmp_path_factory.mktemp("dev-evidence")
    write_evidence(report, load_policy_config(CONFIG), str(out), generated_at=GENERATED_AT, commit=COMMIT)
    return out


FILES = ["control-matrix.md", "controls.csv", "controls.json", "manifest.json", "model-card.md",
         "model-inventory.json", "waivers.md"]


@pytest.mark.parametrize("name", FILES)
def test_dev_evidence_matches_golden(dev_pack, name):
    produced = (dev_pack / name).read_text()
    golden_path = os.path.join(GOLDEN, name)
    if os.environ.get("PERIMETER_UPDATE_GOLDEN"):
        os.makedirs(GOLDEN, exist_ok=True)
        with open(golden_path, "w", encoding="utf-8") as handle:
            handle.write(produced)
    with open(golden_path, encoding="utf-8") as handle:
        assert produced == handle.read(), f"{name} changed; if intended, regenerate with PERIMETER_UPDATE_GOLDEN=1"


def test_dev_evidence_is_clean_and_complete(dev_pack):
    import csv

    with open(dev_pack / "controls.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert not [r for r in rows if r["status"] == "NON_COMPLIANT"]
    assert {r["control"] for r in rows} >= {"cmk-encryption-at-rest", "approved-regions", "bedrock-guardrail-versioned",
                                           "bedrock-guardrail-blocks-card-numbers", "log-retention-bounded"}
    assert not [r for r in rows if r["phase"] == "update" and r["status"] == "UNKNOWN_AT_PREVIEW"]
