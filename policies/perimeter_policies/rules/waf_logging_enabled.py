"""waf-logging-enabled: every WAF web ACL in the stack has a logging configuration.

Why: a web ACL decides which requests reach public applications (PCI DSS
6.4.2); without logs nobody can see what it blocked, what it let through, or
tune it after an attack (PCI DSS 10.2.1; SOC 2 CC7.2, CC7.3). An
`aws.wafv2.WebAcl` is covered by an `aws.wafv2.WebAclLoggingConfiguration`
whose `resource_arn` is the ACL (by output reference, or by ARN once known).
A logging configuration whose target preview cannot see is deferred.
"""

from __future__ import annotations

from ..model import Deferred, StackView, Violation
from ..rule import Rule
from ._findings import describe
from ._links import references

WEB_ACL = "aws:wafv2/webAcl:WebAcl"
LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"


def check(stack: StackView, config):
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
    description="Every WAFv2 web ACL in the stack has a logging configuration.",
    severity="medium",
    pci_dss=("10.2.1", "6.4.2"),
    soc2=("CC7.2", "CC7.3"),
    remediation=("Add aws.wafv2.WebAclLoggingConfiguration(resource_arn=acl.arn, log_destination_configs="
                 "[log_group.arn]) (the log group name must start with 'aws-waf-logs-')."),
    check=check,
    resource_types=(WEB_ACL,),  # read with each ACL's logging configurations
    scope="stack",
    violation_example='aws.wafv2.WebAcl("edge", scope="REGIONAL", default_action={"allow": {}}, ...)  # no logging configuration',
)
