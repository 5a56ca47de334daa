import json

import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "waf-rules-not-empty"
VISIBILITY = {"cloudwatch_metrics_enabled": True, "metric_name": "m", "sampled_requests_enabled": True}
MANAGED_RULE = {"name": "common", "priority": 1, "override_action": {"none": {}}, "visibility_config": VISIBILITY,
                "statement": {"managed_rule_group_statement": {"name": "AWSManagedRulesCommonRuleSet",
                                                               "vendor_name": "AWS"}}}
CLASSIC_RULE = {"priority": 1, "rule_id": UNKNOWN, "action": {"type": "BLOCK"}}
CLASSIC_GROUP_RULE = {"priority": 1, "rule_id": UNKNOWN, "action": {"type": "BLOCK"}}
PREDICATE = {"data_id": UNKNOWN, "negated": False, "type": "IPMatch"}

SUBJECTS = [
    (resource(aws.wafv2.WebAcl, "edge", scope="REGIONAL", default_action={"allow": {}}, visibility_config=VISIBILITY,
              rules=[MANAGED_RULE]), {"rules": None}),
    (resource(aws.wafv2.RuleGroup, "group", scope="REGIONAL", capacity=50, visibility_config=VISIBILITY,
              rules=[{"name": "geo", "priority": 1, "action": {"block": {}}, "visibility_config": VISIBILITY,
                      "statement": {"geo_match_statement": {"country_codes": ["KP"]}}}]), {"rules": None}),
    (resource(aws.waf.WebAcl, "classic", metric_name="classic", default_action={"type": "ALLOW"}, rules=[CLASSIC_RULE]),
     {"rules": None}),
    (resource(aws.waf.RuleGroup, "classic-group", metric_name="group", activated_rules=[CLASSIC_GROUP_RULE]),
     {"activated_rules": None}),
    (resource(aws.waf.Rule, "classic-rule", metric_name="rule", predicates=[PREDICATE]), {"predicates": []}),
    (resource(aws.wafregional.WebAcl, "regional", metric_name="regional", default_action={"type": "ALLOW"},
              rules=[CLASSIC_RULE]), {"rules": []}),
    (resource(aws.wafregional.RuleGroup, "regional-group", metric_name="rgroup", activated_rules=[CLASSIC_GROUP_RULE]),
     {"activated_rules": None}),
    (resource(aws.wafregional.Rule, "regional-rule", metric_name="rrule", predicates=[PREDICATE]), {"predicates": None}),
]


@pytest.mark.parametrize("subject, emptied", SUBJECTS, ids=[s.type.split(":")[1] for s, _ in SUBJECTS])
def test_rules_pass_and_empty_blocks(subject, emptied):
    run(POLICY, subject).assert_clean()
    run(POLICY, subject.replace(**emptied)).assert_violation("empty, so it inspects nothing", on=subject)


def test_rules_given_as_json_count():
    acl = SUBJECTS[0][0].replace(rules=None, rule_json=json.dumps([{"Name": "common", "Priority": 1}]))
    run(POLICY, acl).assert_clean()
    run(POLICY, acl.replace(rule_json="[]")).assert_violation("rules / ruleJson are empty")


def test_unknown_rules_are_deferred():
    run(POLICY, SUBJECTS[0][0].replace(rules=None, rule_json=UNKNOWN)).assert_deferred("ruleJson")


def test_waiver_waives():
    empty = SUBJECTS[0][0].replace(rules=None)
    run(POLICY, empty, waivers=[waiver(empty, reason="Count-only ACL being staged, rules land in CHG-9")]).assert_waived()


def test_finding_text_names_the_inputs():
    result = run(POLICY, SUBJECTS[3][0].replace(activated_rules=None)).assert_violation()
    assert ("\nRuleGroup 'classic-group': activatedRules is empty, so it inspects nothing and every request takes the "
            "default action.\n") in result.violations[0][0]
    result = run(POLICY, SUBJECTS[1][0].replace(rules=None)).assert_violation()
    assert "\nRuleGroup 'group': rules / rulesJson are empty, so it inspects nothing" in result.violations[0][0]


@pytest.mark.parametrize("rules_json, clean", [
    (json.dumps([{"Name": "geo", "Priority": 1}]), True),
    ("[]", False), ("not json", False), (json.dumps({"Name": "geo"}), False),
], ids=["one-rule", "empty", "malformed", "object-not-list"])
def test_rule_group_rules_given_as_json(rules_json, clean):
    group = SUBJECTS[1][0].replace(rules=None, rules_json=rules_json)
    result = run(POLICY, group)
    assert result.clean is clean and not result.cant_run


def test_unknown_rule_list_is_deferred_by_name():
    result = run(POLICY, SUBJECTS[2][0].unknown("rules")).assert_deferred()
    assert result.deferred[0]["message"] == "WebAcl 'classic': rules unknown at preview"
