"""waf-logging-enabled: every WAF web ACL in the stack logs, and every WAFv2 rule group emits metrics.

Why: a web ACL decides which requests reach public applications (PCI DSS
6.4.2); without logs nobody can see what it blocked, what it let through, or
tune it after an attack (PCI DSS 10.2.1; SOC 2 CC7.2, CC7.3).
- An `aws.wafv2.WebAcl` is covered by an `aws.wafv2.WebAclLoggingConfiguration`
  whose `resource_arn` is the ACL (by output reference, or by ARN once known).
- A WAF Classic `aws.waf.WebAcl` / `aws.wafregional.WebAcl` keeps its logging
  inline: `logging_configuration.log_destination` names the Firehose stream
  (AWS Config WAF_CLASSIC_LOGGING_ENABLED).
- An `aws.wafv2.RuleGroup` cannot log by itself; what AWS Config checks for it
  (WAFV2_RULEGROUP_LOGGING_ENABLED) is `visibility_config.cloudwatch_metrics_enabled`,
  the per-rule CloudWatch metrics that show which of its rules match.
A logging configuration whose target preview cannot see, and a flag unknown at
preview, are deferred; a destination built from another resource's output
counts as set.
"""

from __future__ import annotations

from ..model import Deferred, StackView, Violation, is_unknown
from ..rule import Rule
from ._destinations import present
from ._findings import describe
from ._links import references

WEB_ACL = "aws:wafv2/webAcl:WebAcl"
LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
RULE_GROUP = "aws:wafv2/ruleGroup:RuleGroup"
CLASSIC_WEB_ACLS = ("aws:waf/webAcl:WebAcl", "aws:wafregional/webAcl:WebAcl")


def check(stack: StackView, config):
    for acl in stack.of_type(*CLASSIC_WEB_ACLS):
        if not present(acl.get("loggingConfiguration", "logDestination")):
            yield Violation(f"{describe(acl)}: loggingConfiguration.logDestination is not set; set "
                            "logging_configuration={'log_destination': firehose.arn}.", acl.urn)
    for group in stack.of_type(RULE_GROUP):
        metrics = group.get("visibilityConfig", "cloudwatchMetricsEnabled")
        if is_unknown(metrics):
            yield Deferred(f"{describe(group)}: visibilityConfig.cloudwatchMetricsEnabled is unknown at preview",
                           group.urn)
        elif metrics is not True:
            yield Violation(f"{describe(group)}: visibilityConfig.cloudwatchMetricsEnabled is not true, so its rules' "
                            "matches are invisible; set visibility_config={'cloudwatch_metrics_enabled': True, ...}.",
                            group.urn)
    logged = references(stack, stack.of_type(LOGGING), "resourceArn", (WEB_ACL,))
    for acl in stack.of_type(WEB_ACL):
        if logged.cover(acl, (acl.get("arn"),)):
            continue
        if logged.unresolved:
            yield Deferred(f"{describe(acl)}: a logging configuration's resourceArn is unknown at preview", acl.urn)
        else:
            yield Violation(f"{describe(acl)} has no aws.wafv2.WebAclLoggingConfiguration.", acl.urn)


RULE = Rule(
    name="waf-logging-enabled",
    description=("Every WAF web ACL in the stack (v2 and Classic) logs its traffic, and every WAFv2 rule group emits "
                 "CloudWatch metrics."),
    severity="medium",
    pci_dss=("10.2.1", "6.4.2"),
    soc2=("CC7.2", "CC7.3"),
    remediation=("Add aws.wafv2.WebAclLoggingConfiguration(resource_arn=acl.arn, log_destination_configs="
                 "[log_group.arn]) (the log group name must start with 'aws-waf-logs-'); set "
                 "logging_configuration={'log_destination': firehose.arn} on WAF Classic ACLs and "
                 "visibility_config.cloudwatch_metrics_enabled=True on aws.wafv2.RuleGroup."),
    check=check,
    resource_types=(WEB_ACL, RULE_GROUP) + CLASSIC_WEB_ACLS,  # v2 ACLs read with their logging configurations
    scope="stack",
    violation_example='aws.wafv2.WebAcl("edge", scope="REGIONAL", default_action={"allow": {}}, ...)  # no logging configuration',
)
