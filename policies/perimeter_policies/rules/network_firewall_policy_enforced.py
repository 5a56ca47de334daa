"""network-firewall-policy-enforced: firewall policies inspect or drop what no rule matches, and use rule groups that have rules.

Why: an AWS Network Firewall is a network security control between the CDE and
other networks (PCI DSS 1.2.5, 1.3.1, 1.3.2) only if its policy does something
with the traffic. Three declarations quietly turn it into a pass-through:
- `stateless_default_actions` (full packets) or `stateless_fragment_default_actions`
  (fragments) set to `aws:pass`: a packet no stateless rule matches skips the
  stateful engine and its Suricata rules altogether, and fragments are a
  classic way around inspection. Each list must hold one standard action from
  the allow-list (`allowedStatelessDefaultActions`,
  `allowedStatelessFragmentDefaultActions`, default `aws:forward_to_sfe` or
  `aws:drop`); custom actions (names without `aws:`) only publish metrics and
  are ignored (AWS Config NETFW_POLICY_DEFAULT_ACTION_FULL_PACKETS,
  NETFW_POLICY_DEFAULT_ACTION_FRAGMENT_PACKETS);
- a policy that references no stateless and no stateful rule group filters
  nothing (NETFW_POLICY_RULE_GROUP_ASSOCIATED);
- a rule group with no rules: a STATELESS group needs
  `rule_group.rules_source.stateless_rules_and_custom_actions.stateless_rules`
  (NETFW_STATELESS_RULE_GROUP_NOT_EMPTY), and, stricter than Config, a
  STATEFUL group needs a rules source (`rules`, `rules_string`,
  `rules_source_list` or `stateful_rules`).
pulumi-aws makes both default-action lists required but accepts `aws:pass`,
and accepts a policy with no rule group references. Values unknown at preview
are deferred to `pulumi up`.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, settle

FIREWALL_POLICY = "aws:networkfirewall/firewallPolicy:FirewallPolicy"
RULE_GROUP = "aws:networkfirewall/ruleGroup:RuleGroup"
STANDARD_ACTIONS = ["aws:forward_to_sfe", "aws:drop", "aws:pass"]
# Wire name of the default-action list -> its config key and pulumi-aws argument.
DEFAULT_ACTIONS = {
    "statelessDefaultActions": ("allowedStatelessDefaultActions", "stateless_default_actions"),
    "statelessFragmentDefaultActions": ("allowedStatelessFragmentDefaultActions", "stateless_fragment_default_actions"),
}
RULE_GROUP_REFERENCES = ("statelessRuleGroupReferences", "statefulRuleGroupReferences")
# Wire name -> pulumi-aws argument of each stateful rules source.
STATEFUL_SOURCES = {"rulesString": "rules_string", "rulesSourceList": "rules_source_list", "statefulRules": "stateful_rules"}


def _default_actions(policy, field: str, allowed: list, problems: list, unknowns: list) -> None:
    actions = policy.get(field) if isinstance(policy, Mapping) else None
    where = f"firewallPolicy.{field}"
    if is_unknown(actions):
        unknowns.append(where)
        return
    if not isinstance(actions, list):
        problems.append(f"{where} is {actions!r}, not a list of actions; set {DEFAULT_ACTIONS[field][1]}={allowed!r}")
        return
    if any(is_unknown(action) for action in actions):
        unknowns.append(where)
        return
    standard = [a for a in actions if not isinstance(a, str) or a.startswith("aws:")]
    refused = [a for a in standard if a not in allowed]
    if refused or not standard:
        shown = f"holds {refused!r}" if refused else "holds no standard action"
        problems.append(f"{where} {shown}; unmatched packets must go to one of {allowed!r} "
                        f"(set {DEFAULT_ACTIONS[field][1]})")


def _policy(resource: ResourceView, config, problems: list, unknowns: list) -> None:
    policy = resource.get("firewallPolicy")
    if is_unknown(policy):
        unknowns.append("firewallPolicy")
        return
    for field, (allowed_key, _) in DEFAULT_ACTIONS.items():
        _default_actions(policy, field, config[allowed_key], problems, unknowns)
    references = [policy.get(field) if isinstance(policy, Mapping) else None for field in RULE_GROUP_REFERENCES]
    if any(isinstance(listed, list) and listed for listed in references):
        return
    if any(is_unknown(listed) for listed in references):
        unknowns.append("firewallPolicy rule group references")
    else:
        problems.append("firewallPolicy references no rule group, so the firewall filters nothing; add "
                        "stateless_rule_group_references or stateful_rule_group_references")


def _has_rules(value) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, (list, Mapping)) and bool(value)


def _rule_group(resource: ResourceView, problems: list, unknowns: list) -> None:
    kind = resource.get("type")
    if is_unknown(kind):
        unknowns.append("type")
        return
    if kind == "STATELESS":
        candidates = [("rule_group.rules_source.stateless_rules_and_custom_actions.stateless_rules",
                       resource.get("ruleGroup", "rulesSource", "statelessRulesAndCustomActions", "statelessRules"))]
    elif kind == "STATEFUL":
        candidates = [("rules", resource.get("rules"))] + [
            (f"rule_group.rules_source.{argument}", resource.get("ruleGroup", "rulesSource", field))
            for field, argument in STATEFUL_SOURCES.items()]
    else:
        problems.append(f"type is {kind!r}, must be 'STATELESS' or 'STATEFUL'")
        return
    if any(_has_rules(value) for _, value in candidates):
        return
    if any(is_unknown(value) for _, value in candidates):
        unknowns.append(f"{kind} rules")
    else:
        problems.append(f"the {kind} rule group has no rules, so it inspects nothing; declare "
                        f"{' or '.join(name for name, _ in candidates)}")


def check(resource: ResourceView, config):
    problems: list[str] = []
    unknowns: list[str] = []
    if resource.type == FIREWALL_POLICY:
        _policy(resource, config, problems, unknowns)
    else:
        _rule_group(resource, problems, unknowns)
    yield from settle(problems, unknowns, subject=describe(resource))


RULE = Rule(
    name="network-firewall-policy-enforced",
    description=("Network Firewall policies forward unmatched packets and fragments to the stateful engine or drop "
                 "them, reference at least one rule group, and every rule group has rules."),
    severity="high",
    pci_dss=("1.2.5", "1.3.1", "1.3.2"),
    soc2=("CC6.1", "CC6.6"),
    remediation=("In aws.networkfirewall.FirewallPolicy's firewall_policy set stateless_default_actions and "
                 "stateless_fragment_default_actions to ['aws:forward_to_sfe'] (or ['aws:drop']) and reference rule "
                 "groups (stateless_rule_group_references / stateful_rule_group_references); give every "
                 "aws.networkfirewall.RuleGroup rules (stateless_rules for STATELESS, rules_string, "
                 "rules_source_list or stateful_rules for STATEFUL)."),
    check=check,
    resource_types=(FIREWALL_POLICY, RULE_GROUP),
    config_properties={
        "allowedStatelessDefaultActions": {
            "type": "array", "items": {"enum": STANDARD_ACTIONS}, "minItems": 1,
            "description": "Standard actions allowed for full packets that match no stateless rule."},
        "allowedStatelessFragmentDefaultActions": {
            "type": "array", "items": {"enum": STANDARD_ACTIONS}, "minItems": 1,
            "description": "Standard actions allowed for fragmented packets that match no stateless rule."},
    },
    default_config={"allowedStatelessDefaultActions": ["aws:forward_to_sfe", "aws:drop"],
                    "allowedStatelessFragmentDefaultActions": ["aws:forward_to_sfe", "aws:drop"]},
    violation_example=('aws.networkfirewall.FirewallPolicy("egress", firewall_policy={"stateless_default_actions": '
                       '["aws:pass"], "stateless_fragment_default_actions": ["aws:pass"]})'),
)
