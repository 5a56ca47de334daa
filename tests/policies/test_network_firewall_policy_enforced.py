import pulumi_aws as aws
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

from tests.policies._config_schema import assert_schema

POLICY = "network-firewall-policy-enforced"
GROUP_ARN = "arn:aws:network-firewall:eu-west-1:111122223333:stateful-rulegroup/egress"
POLICY_BODY = {
    "stateless_default_actions": ["aws:forward_to_sfe"],
    "stateless_fragment_default_actions": ["aws:forward_to_sfe"],
    "stateful_rule_group_references": [{"resource_arn": GROUP_ARN}],
}
FIREWALL_POLICY = resource(aws.networkfirewall.FirewallPolicy, "egress", firewall_policy=POLICY_BODY)
STATELESS_RULE = {"priority": 1, "rule_definition": {
    "actions": ["aws:forward_to_sfe"],
    "match_attributes": {"sources": [{"address_definition": "10.0.0.0/8"}],
                         "destinations": [{"address_definition": "0.0.0.0/0"}]}}}
STATELESS = resource(aws.networkfirewall.RuleGroup, "stateless", capacity=10, type="STATELESS", rule_group={
    "rules_source": {"stateless_rules_and_custom_actions": {"stateless_rules": [STATELESS_RULE]}}})
DOMAINS = {"generated_rules_type": "ALLOWLIST", "target_types": ["TLS_SNI"], "targets": [".amazonaws.com"]}
STATEFUL = resource(aws.networkfirewall.RuleGroup, "stateful", capacity=100, type="STATEFUL",
                    rule_group={"rules_source": {"rules_source_list": DOMAINS}})
SURICATA = 'pass tls $HOME_NET any -> $EXTERNAL_NET 443 (tls.sni; content:".amazonaws.com"; sid:1;)'


def policy_with(**changes):
    return FIREWALL_POLICY.replace(firewall_policy={**POLICY_BODY, **changes})


@pytest.mark.parametrize("compliant", [
    FIREWALL_POLICY,
    policy_with(stateless_default_actions=["aws:drop"], stateless_fragment_default_actions=["aws:drop"]),
    # A custom action beside the standard one only publishes metrics.
    policy_with(stateless_default_actions=["aws:forward_to_sfe", "count-unmatched"]),
    policy_with(stateful_rule_group_references=None,
                stateless_rule_group_references=[{"priority": 1, "resource_arn": GROUP_ARN}]),
    STATELESS,
    STATEFUL,
    STATEFUL.replace(rule_group={"rules_source": {"rules_string": SURICATA}}),
    STATEFUL.replace(rule_group=None, rules=SURICATA),
    STATEFUL.replace(rule_group={"rules_source": {"stateful_rules": [{
        "action": "DROP", "header": {"protocol": "TCP", "source": "ANY", "source_port": "ANY", "direction": "ANY",
                                     "destination": "ANY", "destination_port": "23"},
        "rule_options": [{"keyword": "sid", "settings": ["1"]}]}]}}),
], ids=["forward", "drop", "custom-action", "stateless-reference", "stateless-group", "domain-list", "rules-string",
        "suricata-rules", "stateful-rules"])
def test_compliant_declarations_pass(compliant):
    run(POLICY, compliant).assert_clean()


@pytest.mark.parametrize("changes, names", [
    ({"stateless_default_actions": ["aws:pass"]}, ("statelessDefaultActions holds ['aws:pass']",)),
    ({"stateless_fragment_default_actions": ["aws:pass"]}, ("statelessFragmentDefaultActions holds ['aws:pass']",)),
    ({"stateless_default_actions": ["count-unmatched"]}, ("statelessDefaultActions holds no standard action",)),
    ({"stateless_default_actions": ["aws:forward_to_sfe", "aws:pass"]}, ("holds ['aws:pass']",)),
    ({"stateful_rule_group_references": None}, ("references no rule group",)),
    ({"stateful_rule_group_references": [], "stateless_rule_group_references": []}, ("references no rule group",)),
])
def test_policy_that_passes_traffic_uninspected_blocks(changes, names):
    bad = policy_with(**changes)
    run(POLICY, bad).assert_violation(*names, on=bad)


def test_every_problem_of_a_policy_is_listed_once():
    bad = policy_with(stateless_default_actions=["aws:pass"], stateless_fragment_default_actions=["aws:pass"],
                      stateful_rule_group_references=None)
    run(POLICY, bad).assert_violation("statelessDefaultActions holds", "statelessFragmentDefaultActions holds",
                                      "references no rule group", on=bad, count=1)


def test_a_default_action_list_of_the_wrong_shape_blocks():
    bad = FIREWALL_POLICY.set("firewallPolicy", "statelessDefaultActions", "aws:drop")
    run(POLICY, bad).assert_violation("not a list of actions", on=bad)


@pytest.mark.parametrize("bad, names", [
    (STATELESS.replace(rule_group={"rules_source": {"stateless_rules_and_custom_actions": {"stateless_rules": []}}}),
     ("STATELESS rule group has no rules", "stateless_rules")),
    (STATELESS.replace(rule_group=None), ("STATELESS rule group has no rules",)),
    # Suricata text is stateful only: it does not make a stateless group inspect anything.
    (STATELESS.replace(rule_group=None, rules=SURICATA), ("STATELESS rule group has no rules",)),
    (STATEFUL.replace(rule_group=None), ("STATEFUL rule group has no rules", "rules_source_list")),
    (STATEFUL.replace(rule_group={"rules_source": {"rules_string": "  "}}), ("STATEFUL rule group has no rules",)),
    (STATEFUL.set("type", "STATELES"), ("type is 'STATELES'",)),
], ids=["stateless-empty", "stateless-absent", "stateless-suricata", "stateful-absent", "stateful-blank", "bad-type"])
def test_rule_group_without_rules_blocks(bad, names):
    run(POLICY, bad).assert_violation(*names, on=bad)


@pytest.mark.parametrize("subject, path, named", [
    (FIREWALL_POLICY, ("firewallPolicy",), "firewallPolicy"),
    (FIREWALL_POLICY, ("firewallPolicy", "statelessDefaultActions"), "statelessDefaultActions"),
    (FIREWALL_POLICY, ("firewallPolicy", "statelessFragmentDefaultActions", 0), "statelessFragmentDefaultActions"),
    (FIREWALL_POLICY, ("firewallPolicy", "statefulRuleGroupReferences"), "rule group references"),
    (STATELESS, ("type",), "type"),
    (STATELESS, ("ruleGroup",), "STATELESS rules"),
    (STATEFUL, ("ruleGroup", "rulesSource", "rulesSourceList"), "STATEFUL rules"),
])
def test_unknown_at_preview_is_deferred(subject, path, named):
    run(POLICY, subject.unknown(*path)).assert_deferred(named)


def test_known_pass_blocks_beside_an_unknown():
    bad = policy_with(stateless_default_actions=["aws:pass"]).unknown("firewallPolicy", "statefulRuleGroupReferences")
    run(POLICY, bad).assert_violation("aws:pass", on=bad)


@settings(max_examples=30, deadline=None)
@given(allowed=st.lists(st.sampled_from(["aws:forward_to_sfe", "aws:drop", "aws:pass"]), min_size=1, unique=True),
       action=st.sampled_from(["aws:forward_to_sfe", "aws:drop", "aws:pass"]))
def test_allowed_actions_are_configurable_per_list(allowed, action):
    declared = policy_with(stateless_default_actions=[action], stateless_fragment_default_actions=[action])
    for key, other in (("allowedStatelessDefaultActions", "allowedStatelessFragmentDefaultActions"),
                       ("allowedStatelessFragmentDefaultActions", "allowedStatelessDefaultActions")):
        result = run(POLICY, declared, config={key: allowed, other: [action]})
        if action in allowed:
            result.assert_clean()
        else:
            result.assert_violation(f"holds {[action]!r}", on=declared)


def test_waiver_waives_and_expired_waiver_does_not():
    bad = policy_with(stateless_fragment_default_actions=["aws:pass"])
    run(POLICY, bad, waivers=[waiver(bad, reason="Jumbo-frame replication path inspected upstream (NET-41)")]).assert_waived()
    run(POLICY, bad, waivers=[waiver(bad, days=-1)]).assert_violation("expired on")


def test_findings_name_the_resource_the_property_and_the_fix():
    run(POLICY, policy_with(stateless_default_actions=["aws:pass"])).assert_violation(
        "FirewallPolicy 'egress': firewallPolicy.statelessDefaultActions holds ['aws:pass']; unmatched packets must go "
        "to one of ['aws:forward_to_sfe', 'aws:drop'] (set stateless_default_actions).")
    run(POLICY, policy_with(stateful_rule_group_references=None)).assert_violation(
        "FirewallPolicy 'egress': firewallPolicy references no rule group, so the firewall filters nothing; add "
        "stateless_rule_group_references or stateful_rule_group_references.")
    run(POLICY, STATEFUL.replace(rule_group=None)).assert_violation(
        "RuleGroup 'stateful': the STATEFUL rule group has no rules, so it inspects nothing; declare rules or "
        "rule_group.rules_source.rules_string or rule_group.rules_source.rules_source_list or "
        "rule_group.rules_source.stateful_rules.")
    run(POLICY, STATELESS.replace(rule_group=None)).assert_violation(
        "RuleGroup 'stateless': the STATELESS rule group has no rules, so it inspects nothing; declare "
        "rule_group.rules_source.stateless_rules_and_custom_actions.stateless_rules.")


@pytest.mark.parametrize("garbage", ["aws:drop", ["aws:drop"], 7])
def test_a_policy_body_of_the_wrong_shape_blocks_without_raising(garbage):
    bad = FIREWALL_POLICY.set("firewallPolicy", garbage)
    run(POLICY, bad).assert_violation("statelessDefaultActions is None, not a list of actions",
                                      "statelessFragmentDefaultActions is None", "references no rule group", on=bad)


def test_unknowns_are_named_exactly():
    run(POLICY, FIREWALL_POLICY.unknown("firewallPolicy")).assert_deferred(
        "FirewallPolicy 'egress': firewallPolicy unknown at preview")
    run(POLICY, FIREWALL_POLICY.unknown("firewallPolicy", "statefulRuleGroupReferences")).assert_deferred(
        "FirewallPolicy 'egress': firewallPolicy rule group references unknown at preview")
    run(POLICY, STATELESS.unknown("type")).assert_deferred("RuleGroup 'stateless': type unknown at preview")
    run(POLICY, STATELESS.unknown("ruleGroup", "rulesSource")).assert_deferred(
        "RuleGroup 'stateless': STATELESS rules unknown at preview")


def test_config_schema_refuses_what_the_engine_would_refuse():
    keys = ("allowedStatelessDefaultActions", "allowedStatelessFragmentDefaultActions")
    assert_schema(POLICY, {keys[0]: ["aws:drop"], keys[1]: ["aws:forward_to_sfe", "aws:pass"]},
                  [(key, bad) for key in keys for bad in ("aws:drop", [], ["aws:bogus"])])
