"""lambda-not-public: nobody can invoke a function anonymously.

Why: a function URL with `authorization_type="NONE"` is an unauthenticated
HTTPS endpoint on the internet, and a permission for principal `"*"` lets any
AWS account (or, with a function URL, anyone) invoke the function. Functions
in this perimeter call models with prompts that may hold cardholder data, so
each caller must be authenticated and authorized (PCI DSS 1.4.2, 7.3.1).
A `"*"` permission pinned by `source_account`, `source_arn` or
`principal_org_id` is restricted and fine; an unknown value there is an
output (an account id or ARN) and counts as restricting.
Whole Lambda resource policies (`aws.lambda_.ResourcePolicy`) are checked by
`resource-policy-not-public`.
"""

from ..model import ResourceView, Violation, is_unknown
from ..rule import Rule
from ._findings import describe, unknown_at_preview

FUNCTION_URL = "aws:lambda/functionUrl:FunctionUrl"
PERMISSION = "aws:lambda/permission:Permission"
NO_AUTH = "NONE"
RESTRICTING_INPUTS = ("sourceAccount", "sourceArn", "principalOrgId")


def check(resource: ResourceView, config):
    if resource.type == FUNCTION_URL:
        auth = resource.get("authorizationType")
        if is_unknown(auth):
            yield unknown_at_preview(resource, "authorizationType")
        elif auth == NO_AUTH:
            yield Violation(f"{describe(resource)} sets authorizationType=NONE: an unauthenticated public endpoint.")
        return
    principal = resource.get("principal")
    if is_unknown(principal):
        yield unknown_at_preview(resource, "principal")
    elif principal == "*" and all(resource.get(field) in (None, "") for field in RESTRICTING_INPUTS):
        yield Violation(f"{describe(resource)} grants {resource.get('action')!r} to principal '*' with no "
                        "sourceAccount, sourceArn or principalOrgId.")


RULE = Rule(
    name="lambda-not-public",
    description="Lambda function URLs must require IAM auth and permissions must not grant '*' unrestricted.",
    severity="high",
    pci_dss=("1.3.1", "1.4.2", "7.3.1"),
    soc2=("CC6.1", "CC6.6"),
    remediation=('Set authorization_type="AWS_IAM" on aws.lambda_.FunctionUrl, and on aws.lambda_.Permission use a '
                 'specific principal (a service such as "s3.amazonaws.com" or an account) or add source_account, '
                 'source_arn or principal_org_id.'),
    check=check,
    resource_types=(FUNCTION_URL, PERMISSION),
    violation_example='aws.lambda_.FunctionUrl("chat", function_name=fn.name, authorization_type="NONE")',
)
