"""How the pack turns rules into Pulumi policies (perimeter_policies.pack), seen through the policy SDK.

The pack's own policies are built when the kit is imported, before a test runs, so these tests build
policies from Rules of their own and run them through the SDK's Analyzer servicer (the kit's `run`):
the metadata the engine receives, which resources a policy judges, and what it reports.
"""

import importlib
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from perimeter_policies import pack
from perimeter_policies.model import Deferred, Violation
from perimeter_policies.pack import build_policies, load_rules, to_policy
from perimeter_policies.rule import Rule
from perimeter_policies.testing import raw, run, urn, waiver
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity, StackValidationPolicy

BUCKET = "aws:s3/bucket:Bucket"
QUEUE = "aws:sqs/queue:Queue"


def always_violates(subject, config):
    yield Violation(f"'{subject.name}' is not allowed (limit {config['limit']})")


def make_rule(**changes) -> Rule:
    fields = dict(name="core-pack-rule", description="Buckets must be private.", severity="critical",
                  pci_dss=("1.4.2", "7.3.1"), soc2=("CC6.1", "CC6.6"), remediation="Block public access.",
                  check=always_violates, resource_types=(BUCKET,), tags=("network",),
                  config_properties={"limit": {"type": "integer"}}, default_config={"limit": 3})
    fields.update(changes)
    return Rule(**fields)


# --- the metadata the engine sees -----------------------------------------------------------------

def test_a_resource_rule_becomes_a_resource_policy_with_its_metadata():
    policy = to_policy(make_rule())
    assert isinstance(policy, ResourceValidationPolicy)
    assert policy.name == "core-pack-rule"
    assert policy.description == "Buckets must be private."
    assert policy.enforcement_level == EnforcementLevel.MANDATORY
    assert policy.severity == Severity.CRITICAL
    assert (policy.framework.name, policy.framework.version, policy.framework.reference) == (
        "PCI DSS", "4.0.1", "1.4.2, 7.3.1")
    assert policy.tags == ["network", "pci-dss:1.4.2", "pci-dss:7.3.1", "soc2:CC6.1", "soc2:CC6.6",
                           "resource:aws:s3/bucket:Bucket"]
    assert policy.remediation_steps == "Block public access."
    assert policy.url == "https://github.com/perimeter-dev/perimeter/blob/main/docs/policies.md#core-pack-rule"


def test_every_policy_config_schema_has_its_own_properties_and_the_waiver_settings():
    properties = to_policy(make_rule()).config_schema.properties
    assert set(properties) == {"limit", "waivers", "waiverMaxDays"}
    assert properties["limit"] == {"type": "integer"}
    assert properties["waivers"]["type"] == "array"
    assert (properties["waiverMaxDays"]["minimum"], properties["waiverMaxDays"]["maximum"]) == (1, 3650)


@pytest.mark.parametrize("level, severity", [("advisory", "low"), ("disabled", "medium"), ("remediate", "high")])
def test_the_level_and_severity_come_from_the_rule(level, severity):
    policy = to_policy(make_rule(enforcement_level=level, severity=severity))
    assert policy.enforcement_level == EnforcementLevel(level) and policy.severity == Severity(severity)


def test_a_stack_rule_becomes_a_stack_policy():
    policy = to_policy(make_rule(scope="stack"))
    assert isinstance(policy, StackValidationPolicy) and not isinstance(policy, ResourceValidationPolicy)
    assert policy.name == "core-pack-rule"


# --- what a policy judges and reports -------------------------------------------------------------

def test_a_violation_reaches_the_engine_with_the_fix_on_the_resource():
    bucket = raw(BUCKET, "exports", {})
    result = run(make_rule(), bucket)
    assert result.violations == [("Buckets must be private.\n'exports' is not allowed (limit 3)\nFix: Block public access.",
                                  urn(BUCKET, "exports"))]


def test_the_policy_reads_its_config_over_the_defaults():
    result = run(make_rule(), raw(BUCKET, "exports", {}), config={"limit": 7})
    assert "'exports' is not allowed (limit 7.0)" in result.violations[0][0]


def test_a_resource_policy_judges_only_the_types_the_rule_names():
    assert run(make_rule(), raw(QUEUE, "jobs", {})).violations == []
    prefixed = make_rule(resource_types=(), resource_type_prefixes=("aws:sqs",))
    assert [u for _, u in run(prefixed, raw(QUEUE, "jobs", {})).violations] == [urn(QUEUE, "jobs")]
    assert run(prefixed, raw(BUCKET, "exports", {})).violations == []


def test_a_waived_finding_and_a_deferred_check_are_reported_as_not_applicable():
    bucket = raw(BUCKET, "exports", {})
    waived = run(make_rule(), bucket, waivers=[waiver(bucket)])
    assert waived.violations == [] and [w["urn"] for w in waived.waived] == [urn(BUCKET, "exports")]
    assert waived.not_applicable[0].startswith("1 finding(s) waived by policy config\n")

    def defers(subject, config):
        yield Deferred("kmsMasterKeyId is unknown at preview")

    deferred = run(make_rule(check=defers), bucket)
    assert deferred.violations == [] and deferred.deferred == [
        {"message": "kmsMasterKeyId is unknown at preview", "urn": urn(BUCKET, "exports")}]


def test_a_clean_resource_reports_nothing():
    result = run(make_rule(check=lambda subject, config: iter(())), raw(BUCKET, "exports", {}))
    assert result.violations == [] and result.not_applicable == [] and result.cant_run == []


def test_a_stack_policy_judges_the_whole_stack_and_reports_on_the_named_resource():
    def second_bucket_is_public(stack, config):
        buckets = stack.of_type(BUCKET)
        yield Violation(f"{len(buckets)} buckets; '{buckets[1].name}' is public", urn=buckets[1].urn)
        yield Violation("the stack has no trail")

    rule = make_rule(scope="stack", check=second_bucket_is_public)
    result = run(rule, [raw(BUCKET, "logs", {}), raw(QUEUE, "jobs", {}), raw(BUCKET, "exports", {})])
    assert result.violations == [
        ("Buckets must be private.\n2 buckets; 'exports' is public\nFix: Block public access.", urn(BUCKET, "exports")),
        ("Buckets must be private.\nthe stack has no trail\nFix: Block public access.", ""),
    ]


def test_a_stack_policy_reports_its_waivers_and_deferrals():
    def defers(stack, config):
        yield Deferred("the trail's bucket is unknown at preview")

    result = run(make_rule(scope="stack", check=defers), [raw(BUCKET, "logs", {})])
    assert result.deferred == [{"message": "the trail's bucket is unknown at preview", "urn": ""}]


# --- discovery --------------------------------------------------------------------------------------

@pytest.fixture
def rules_package(tmp_path, monkeypatch):
    """A throwaway rules package: write(module, source) adds a module; the pack then loads from it."""
    name = f"core_rules_{uuid.uuid4().hex}"
    root = tmp_path / name
    root.mkdir()
    (root / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))

    def write(module: str, source: str) -> None:
        (root / f"{module}.py").write_text(textwrap.dedent(source))

    yield write, name
    for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[module]


def rule_module(policy_name: str) -> str:
    return f"""
        from perimeter_policies.rule import Rule
        RULE = Rule(name={policy_name!r}, description="d", severity="low", pci_dss=("3.5.1",), soc2=("CC6.1",),
                    remediation="r", check=lambda subject, config: iter(()), resource_types=("aws:s3/bucket:Bucket",))
        """


def use(monkeypatch, name):
    importlib.invalidate_caches()
    monkeypatch.setattr(pack, "rules_package", importlib.import_module(name))


def test_load_rules_finds_every_rule_module_sorted_by_policy_name_and_skips_helpers(rules_package, monkeypatch):
    write, name = rules_package
    write("_helpers", "LIMIT = 3\n")  # a shared helper has no RULE and is not a rule
    write("alpha_module", rule_module("zeta-policy"))
    write("beta_module", rule_module("alpha-policy"))
    write("gamma_module", rule_module("mid-policy"))
    use(monkeypatch, name)
    assert [r.name for r in load_rules()] == ["alpha-policy", "mid-policy", "zeta-policy"]


def test_load_rules_refuses_two_rules_with_one_name(rules_package, monkeypatch):
    write, name = rules_package
    write("first", rule_module("same-policy"))
    write("second", rule_module("same-policy"))
    write("third", rule_module("other-policy"))
    use(monkeypatch, name)
    with pytest.raises(ValueError) as raised:
        load_rules()
    assert str(raised.value) == "duplicate policy names: ['same-policy']"


def test_the_pack_has_one_policy_per_rule_module_in_name_order():
    modules = [p.stem for p in Path(pack.rules_package.__file__).parent.glob("*.py") if not p.stem.startswith("_")]
    policies = build_policies()
    rules = {r.name: r for r in load_rules()}
    assert len(policies) == len(modules) == len(rules)
    assert [p.name for p in policies] == sorted(rules)
    for policy in policies:
        stack = rules[policy.name].scope == "stack"
        assert isinstance(policy, StackValidationPolicy if stack else ResourceValidationPolicy), policy.name
