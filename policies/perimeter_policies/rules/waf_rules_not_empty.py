"""waf-rules-not-empty: every web ACL, rule group and rule actually inspects something.

Why: a web ACL with no rules, a rule group with no rules or a classic rule
with no predicates looks like protection in an inventory and filters nothing:
every request takes the default action (PCI DSS 6.4.2 wants public-facing
web applications protected by a solution that detects and prevents attacks;
1.4.2 restricts inbound traffic). AWS Config checks this for WAFv2
(WAFV2_WEBACL_NOT_EMPTY, WAFV2_RULEGROUP_NOT_EMPTY) and for WAF Classic, global
and regional (WAF_GLOBAL_*_NOT_EMPTY, WAF_REGIONAL_*_NOT_EMPTY). WAFv2 web ACLs
and rule groups may give their rules as JSON text (`rule_json` /
`rules_json`), which counts when it is a non-empty list. Values unknown at
preview are deferred.
"""

from __future__ import annotations

import json

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, settle

# Type -> the inputs holding its rules (any one non-empty is enough); the JSON-text alternative last.
RULE_INPUTS = {
    "aws:wafv2/webAcl:WebAcl": ("rules", "ruleJson"),
    "aws:wafv2/ruleGroup:RuleGroup": ("rules", "rulesJson"),
    "aws:waf/webAcl:WebAcl": ("rules",),
    "aws:waf/ruleGroup:RuleGroup": ("activatedRules",),
    "aws:waf/rule:Rule": ("predicates",),
    "aws:wafregional/webAcl:WebAcl": ("rules",),
    "aws:wafregional/ruleGroup:RuleGroup": ("activatedRules",),
    "aws:wafregional/rule:Rule": ("predicates",),
}
JSON_INPUTS = ("ruleJson", "rulesJson")


def _count(field: str, value) -> int:
    if field in JSON_INPUTS and isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return 0
    return len(value) if isinstance(value, list) else 0


def check(resource: ResourceView, config):
    fields = RULE_INPUTS[resource.type]
    values = {field: resource.get(field) for field in fields}
    unknowns = [field for field, value in values.items() if is_unknown(value)]
    problems = []
    if not unknowns and not any(_count(field, value) for field, value in values.items()):
        problems.append(f"{' / '.join(fields)} {'is' if len(fields) == 1 else 'are'} empty, so it inspects nothing "
                        "and every request takes the default action")
    yield from settle(problems, unknowns, subject=describe(resource))


RULE = Rule(
    name="waf-rules-not-empty",
    description="WAF (v2 and Classic) web ACLs, rule groups and rules contain at least one rule or predicate.",
    severity="high",
    pci_dss=("6.4.2", "1.4.2"),
    soc2=("CC6.6", "CC6.8"),
    remediation=("Give every aws.wafv2.WebAcl / RuleGroup at least one rule (e.g. the AWS managed common rule set), "
                 "and every WAF Classic web ACL, rule group and rule at least one rule or predicate; delete the ones "
                 "that are not used."),
    check=check,
    resource_types=tuple(RULE_INPUTS),
    violation_example=('aws.wafv2.WebAcl("edge", scope="REGIONAL", default_action={"allow": {}}, '
                       'visibility_config={...})  # no rules'),
)
