"""The pack as a whole: its metadata, what its rules read, and booting under the engine's launcher.

The list of policies is derived (the rules in `rules/`), never kept here: the reviewed record of each
policy's level, severity and waivability is the generated catalogue (docs/policies.md), whose diff a
change shows and which tests/authoring keeps current.
"""

import os
import sys

from perimeter_policies.frameworks import PCI_DSS, SOC2
from perimeter_policies.inventory import SHARED_READS, pack_version, recorded_reads, undeclared_overlaps
from perimeter_policies.pack import load_rules

from perimeter.authoring import SCAFFOLD_TODO
from perimeter.engine.analyzer import LEVEL_NAMES, SEVERITY_NAMES, PolicyPackProcess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RULES = load_rules()


def test_every_policy_has_full_metadata_and_both_frameworks():
    for rule in RULES:
        assert rule.description and rule.remediation and rule.violation_example, rule.name
        written = [rule.description, rule.remediation, rule.violation_example, sys.modules[rule.check.__module__].__doc__]
        assert not any(SCAFFOLD_TODO in (text or "") for text in written), f"{rule.name}: finish its {SCAFFOLD_TODO}s"
        assert rule.pci_dss and all(r in PCI_DSS for r in rule.pci_dss), rule.name
        assert rule.soc2 and all(c in SOC2 for c in rule.soc2), rule.name
        assert rule.url.endswith(f"docs/policies.md#{rule.name}")


def test_no_two_rules_judge_the_same_property_without_a_declared_reason():
    overlaps = [o.describe() for o in undeclared_overlaps(recorded_reads())]
    assert not overlaps, ("two rules judge one setting (two findings, two waivers for one problem): "
                          + "; ".join(overlaps) + ". Judge it in one rule, or declare why both need it in "
                          "perimeter_policies/inventory.py (SHARED_READS).")


def test_every_declared_shared_read_is_still_shared():
    readers = {}
    for rule, types in recorded_reads().items():
        for type_, props in types.items():
            for prop in props:
                readers.setdefault((type_, prop), set()).add(rule)
    stale = [f"{t}.{p}" for (t, p), (rules, _) in SHARED_READS.items()
             if len(readers.get((t, p), set()) & (rules or readers.get((t, p), set()))) < 2]
    assert not stale, f"SHARED_READS declares overlaps no longer there: {stale}; remove them"


def test_pack_boots_under_the_engine_launcher_and_answers_get_analyzer_info():
    with PolicyPackProcess(os.path.join(ROOT, "policies"), project="perimeter", stack="test") as pack:
        info = pack.info()
        assert pack.version(info) == pack_version()
    assert info.name == "perimeter" and info.supportsConfig
    by_name = {p.name: p for p in info.policies}
    assert set(by_name) == {r.name for r in RULES}
    for rule in RULES:
        policy = by_name[rule.name]
        assert LEVEL_NAMES[policy.enforcementLevel] == rule.enforcement_level, rule.name
        assert SEVERITY_NAMES[policy.severity] == rule.severity, rule.name
        assert "waivers" in policy.configSchema.properties, rule.name
        assert policy.framework.name == "PCI DSS" and policy.framework.version == "4.0.1"
        assert any(t.startswith("soc2:") for t in policy.tags) and any(t.startswith("pci-dss:") for t in policy.tags)
        assert ("not-waivable" in policy.tags) == (not rule.waivable), rule.name
    assert {"approvedRegions", "approvedGeographies"} <= set(by_name["approved-regions"].configSchema.properties)
