"""What a Rule accepts, and the metadata it hands the protocol (perimeter_policies.rule).

Every rule module builds its RULE at import time, before a test runs, so these tests build Rules
themselves: a rule with a bad field must fail when the pack loads, naming the rule and every problem.
"""

import dataclasses

import pytest
from perimeter_policies.rule import Rule


def no_findings(subject, config):
    return iter(())


def make_rule(**changes) -> Rule:
    fields = dict(name="core-test-rule", description="A rule built by the pack-core tests.", severity="high",
                  pci_dss=("3.5.1",), soc2=("CC6.1",), remediation="Turn the setting on.", check=no_findings,
                  resource_types=("aws:s3/bucket:Bucket",))
    fields.update(changes)
    return Rule(**fields)


@pytest.mark.parametrize("changes", [
    {},
    {"scope": "stack"},
    {"scope": "resource", "severity": "low", "enforcement_level": "advisory"},
    {"severity": "critical", "enforcement_level": "disabled", "waivable": False},
    {"severity": "medium", "enforcement_level": "remediate"},
    {"resource_types": (), "resource_type_prefixes": ("aws:",)},
    {"resource_types": ("aws:kms/key:Key",), "resource_type_prefixes": ("aws:s3",)},
    {"pci_dss": ("3.5.1", "3.6.1"), "soc2": ("CC6.1", "CC6.6")},
])
def test_a_rule_with_valid_metadata_is_built(changes):
    rule = make_rule(**changes)
    assert rule.name == "core-test-rule"


@pytest.mark.parametrize("changes, problem", [
    ({"severity": "urgent"}, "severity 'urgent' not in ('low', 'medium', 'high', 'critical')"),
    ({"enforcement_level": "blocking"},
     "enforcement level 'blocking' not in ('advisory', 'mandatory', 'remediate', 'disabled')"),
    ({"scope": "account"}, "scope 'account' must be 'resource' or 'stack'"),
    ({"pci_dss": ("3.5.1", "99.9")}, "framework ids not in the catalogue: ['99.9']"),
    ({"soc2": ("CC6.1", "CC99.9")}, "framework ids not in the catalogue: ['CC99.9']"),
    ({"pci_dss": ("99.9",), "soc2": ("CC99.9",)}, "framework ids not in the catalogue: ['99.9', 'CC99.9']"),
    ({"pci_dss": ()}, "every rule maps to at least one PCI DSS requirement and one SOC 2 criterion"),
    ({"soc2": ()}, "every rule maps to at least one PCI DSS requirement and one SOC 2 criterion"),
    ({"resource_types": ()}, "resource_types (or resource_type_prefixes) must name the types the rule evaluates"),
])
def test_a_rule_with_a_bad_field_is_refused_naming_the_rule_and_the_problem(changes, problem):
    with pytest.raises(ValueError) as raised:
        make_rule(**changes)
    assert str(raised.value) == f"rule core-test-rule: {problem}"


def test_every_problem_is_named_at_once():
    with pytest.raises(ValueError) as raised:
        make_rule(severity="urgent", scope="account", soc2=())
    assert str(raised.value) == (
        "rule core-test-rule: severity 'urgent' not in ('low', 'medium', 'high', 'critical'); "
        "scope 'account' must be 'resource' or 'stack'; "
        "every rule maps to at least one PCI DSS requirement and one SOC 2 criterion")


def test_a_changed_copy_is_validated_too():
    with pytest.raises(ValueError, match="severity 'none'"):
        dataclasses.replace(make_rule(), severity="none")


def test_the_url_points_at_the_rules_section_of_the_catalogue():
    assert make_rule().url == "https://github.com/perimeter-dev/perimeter/blob/main/docs/policies.md#core-test-rule"


def test_config_is_the_defaults_overridden_by_what_is_supplied():
    rule = make_rule(default_config={"maxDays": 365, "mode": "strict"})
    assert rule.config(None) == {"maxDays": 365, "mode": "strict"}
    assert rule.config({}) == {"maxDays": 365, "mode": "strict"}
    assert rule.config({"maxDays": 30, "waivers": []}) == {"maxDays": 30, "mode": "strict", "waivers": []}
    assert rule.default_config == {"maxDays": 365, "mode": "strict"}  # the defaults are not changed in place


def test_protocol_tags_carry_own_tags_frameworks_types_and_waivability_in_order():
    rule = make_rule(tags=("data-protection",), pci_dss=("3.5.1", "3.6.1"), soc2=("CC6.1",),
                     resource_types=("aws:s3/bucket:Bucket", "aws:kms/key:Key"), resource_type_prefixes=("aws:sqs",))
    assert rule.protocol_tags() == [
        "data-protection", "pci-dss:3.5.1", "pci-dss:3.6.1", "soc2:CC6.1",
        "resource:aws:s3/bucket:Bucket", "resource:aws:kms/key:Key", "resource-prefix:aws:sqs"]
    assert make_rule(waivable=False).protocol_tags() == [
        "pci-dss:3.5.1", "soc2:CC6.1", "resource:aws:s3/bucket:Bucket", "not-waivable"]


@pytest.mark.parametrize("resource_type, applies", [
    ("aws:s3/bucket:Bucket", True),
    ("aws:kms/key:Key", True),
    ("aws:sqs/queue:Queue", True),
    ("aws:sqs/queuePolicy:QueuePolicy", True),
    ("aws:s3/bucketPolicy:BucketPolicy", False),
    ("aws:sns/topic:Topic", False),
])
def test_a_rule_applies_to_its_types_and_its_type_prefixes(resource_type, applies):
    rule = make_rule(resource_types=("aws:s3/bucket:Bucket", "aws:kms/key:Key"), resource_type_prefixes=("aws:sqs",))
    assert rule.applies_to(resource_type) is applies


def test_a_rule_without_prefixes_applies_only_to_its_types():
    rule = make_rule(resource_types=("aws:s3/bucket:Bucket",))
    assert rule.applies_to("aws:s3/bucket:Bucket") and not rule.applies_to("aws:s3/bucketV2:BucketV2")
