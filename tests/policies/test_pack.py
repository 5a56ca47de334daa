"""The pack as a whole: its exact policy list, its metadata, and booting under the engine's launcher."""

import os

from perimeter_policies.frameworks import PCI_DSS, SOC2
from perimeter_policies.pack import load_rules

from perimeter.catalogue import render_catalogue
from perimeter.engine.analyzer import LEVEL_NAMES, SEVERITY_NAMES, PolicyPackProcess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# name -> (default level, severity, waivable). Changing this is a reviewed decision.
EXPECTED = {
    "approved-regions": ("mandatory", "critical", False),
    "bedrock-endpoint-private": ("mandatory", "high", True),
    "bedrock-guardrail-blocks-card-numbers": ("mandatory", "critical", False),
    "bedrock-guardrail-version-pinned": ("mandatory", "high", True),
    "bedrock-guardrail-versioned": ("mandatory", "high", True),
    "cloudtrail-integrity": ("mandatory", "high", True),
    "cmk-encryption-at-rest": ("mandatory", "high", True),
    "database-not-publicly-accessible": ("mandatory", "high", True),
    "kms-key-rotation-enabled": ("mandatory", "high", True),
    "lambda-not-public": ("mandatory", "high", True),
    "log-retention-bounded": ("mandatory", "high", True),
    "network-no-public-ip": ("mandatory", "high", True),
    "opensearch-serverless-not-public": ("mandatory", "high", True),
    "resource-policy-not-public": ("mandatory", "critical", False),
    "s3-bucket-encryption-configured": ("mandatory", "high", True),
    "s3-bucket-public-access-block-present": ("mandatory", "high", True),
    "s3-no-public-acl": ("mandatory", "high", True),
    "s3-public-access-blocked": ("mandatory", "high", True),
    "security-group-no-public-ingress": ("mandatory", "high", True),
}


def test_pack_has_exactly_the_expected_policies_levels_and_severities():
    actual = {r.name: (r.enforcement_level, r.severity, r.waivable) for r in load_rules()}
    assert actual == EXPECTED


def test_every_policy_has_full_metadata_and_both_frameworks():
    for rule in load_rules():
        assert rule.description and rule.remediation and rule.violation_example, rule.name
        assert rule.pci_dss and all(r in PCI_DSS for r in rule.pci_dss), rule.name
        assert rule.soc2 and all(c in SOC2 for c in rule.soc2), rule.name
        assert rule.url.endswith(f"docs/policies.md#{rule.name}")


def test_pack_boots_under_the_engine_launcher_and_answers_get_analyzer_info():
    with PolicyPackProcess(os.path.join(ROOT, "policies"), project="perimeter", stack="test") as pack:
        info = pack.info()
        assert pack.version(info) == "0.1.0"
    assert info.name == "perimeter" and info.supportsConfig
    by_name = {p.name: p for p in info.policies}
    assert set(by_name) == set(EXPECTED)
    for name, (level, severity, _) in EXPECTED.items():
        policy = by_name[name]
        assert LEVEL_NAMES[policy.enforcementLevel] == level and SEVERITY_NAMES[policy.severity] == severity
        assert "waivers" in policy.configSchema.properties, name
        assert policy.framework.name == "PCI DSS" and policy.framework.version == "4.0.1"
        assert any(t.startswith("soc2:") for t in policy.tags) and any(t.startswith("pci-dss:") for t in policy.tags)
    assert {"approvedRegions", "approvedGeographies"} <= set(by_name["approved-regions"].configSchema.properties)


def test_policy_catalogue_is_up_to_date():
    with open(os.path.join(ROOT, "docs", "policies.md"), encoding="utf-8") as handle:
        assert handle.read() == render_catalogue(), "run `make docs` to regenerate docs/policies.md"
