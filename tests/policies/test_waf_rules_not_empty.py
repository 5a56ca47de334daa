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
