"""bedrock-guardrail-versioned: every Bedrock guardrail has a published, immutable version.

Why: a guardrail's working copy is its DRAFT, which anyone with
`bedrock:UpdateGuardrail` can change under a running application. Change
control (PCI DSS 6.5.1, SOC 2 CC8.1) needs the reviewed configuration frozen:
an `aws.bedrock.GuardrailVersion` snapshots the draft, and callers pin that
number (see bedrock-guardrail-version-pinned). A guardrail with no version in
the stack can only be used as DRAFT.

A version belongs to a guardrail when its `guardrail_arn` was built from that
guardrail's outputs (a property dependency, visible at preview) or, once values
are known, when it equals the guardrail's ARN or id.
"""

from __future__ import annotations

from ..model import Deferred, StackView, Violation
from ..rule import Rule
from ._findings import describe
from ._links import references

GUARDRAIL = "aws:bedrock/guardrail:Guardrail"
GUARDRAIL_VERSION = "aws:bedrock/guardrailVersion:GuardrailVersion"


def check(stack: StackView, config):
    versions = references(stack, stack.of_type(GUARDRAIL_VERSION), "guardrailArn", (GUARDRAIL,))
    for guardrail in stack.of_type(GUARDRAIL):
        if versions.cover(guardrail, (guardrail.get("guardrailArn"), guardrail.get("guardrailId"))):
            continue
        # A version whose guardrail preview can't name may be the one this guardrail is missing.
        if versions.unresolved:
            yield Deferred(f"{describe(guardrail)}: a guardrail version's guardrailArn is unknown at preview", guardrail.urn)
        else:
            yield Violation(f"{describe(guardrail)} has no aws.bedrock.GuardrailVersion in this stack, so callers can "
                            f"only use its mutable DRAFT.", guardrail.urn)


RULE = Rule(
    name="bedrock-guardrail-versioned",
    description="Every Bedrock guardrail has a published GuardrailVersion, so callers can pin a reviewed configuration.",
    severity="high",
    pci_dss=("6.5.1",),
    soc2=("CC8.1",),
    remediation=(
        "Add aws.bedrock.GuardrailVersion(guardrail_arn=guardrail.guardrail_arn, description=<change reference>); "
        "change the description to publish a new version when the guardrail changes."
    ),
    check=check,
    resource_types=(GUARDRAIL, GUARDRAIL_VERSION),
    scope="stack",
    violation_example='aws.bedrock.Guardrail("pci", ...)  # and no aws.bedrock.GuardrailVersion for it',
)
