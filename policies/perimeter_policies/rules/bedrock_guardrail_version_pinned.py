"""bedrock-guardrail-version-pinned: every reference to a guardrail pins a numbered version.

Why: `DRAFT` is the guardrail's editable working copy. An agent or flow that
uses it picks up any edit immediately, unreviewed, which defeats change control
(PCI DSS 6.5.1, SOC 2 CC8.1) over the control that keeps card numbers out of
model input and output. A pinned version (1-99999999) is immutable. An empty or
missing version means DRAFT too.

At preview a version taken from `aws.bedrock.GuardrailVersion(...).version` is
unknown; it is deferred to `pulumi up`, which sees "1" (whereas a guardrail's
own `version` output is always "DRAFT" and fails there).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, settle
from ._paths import EACH, expand

PINNED_VERSION = re.compile(r"^[1-9][0-9]{0,7}$")
# Every pulumi-aws 7 input that carries a guardrail identifier and version.
GUARDRAIL_REFERENCES = {
    "aws:bedrock/agentAgent:AgentAgent": (("guardrailConfigurations", EACH),),
    "aws:bedrock/agentFlow:AgentFlow": (
        ("definition", "nodes", EACH, "configuration", "knowledgeBase", "guardrailConfiguration"),
        ("definition", "nodes", EACH, "configuration", "prompt", "guardrailConfiguration"),
    ),
}


def _is_pinned(version) -> bool:
    if isinstance(version, int) and not isinstance(version, bool):
        version = str(version)
    elif isinstance(version, float) and version.is_integer():
        version = str(int(version))  # a number literal arrives as a float over the wire
    return isinstance(version, str) and bool(PINNED_VERSION.fullmatch(version))


def check(resource: ResourceView, config):
    problems, unknowns = [], []
    for reference_path in GUARDRAIL_REFERENCES[resource.type]:
        for path, reference in expand(resource.props, reference_path):
            if is_unknown(reference):
                unknowns.append(path)
            elif reference is not None and not isinstance(reference, Mapping):
                problems.append(f"{path} is {reference!r}, not a guardrail configuration object")
            elif reference is not None:
                version = reference.get("guardrailVersion")
                if is_unknown(version):
                    unknowns.append(f"{path}.guardrailVersion")
                elif not _is_pinned(version):
                    shown = "not set (DRAFT)" if version in (None, "") else repr(version)
                    problems.append(f"{path}.guardrailVersion is {shown}, not a published version number")
    if problems:
        problems.append("set guardrail_version=<aws.bedrock.GuardrailVersion>.version")
    yield from settle(problems, unknowns, subject=describe(resource))


RULE = Rule(
    name="bedrock-guardrail-version-pinned",
    description="Agents and flows pin a published guardrail version (1-99999999), never DRAFT.",
    severity="high",
    pci_dss=("6.5.1", "2.2.1"),
    soc2=("CC8.1",),
    remediation=(
        "Set guardrail_version=version.version, where version is the aws.bedrock.GuardrailVersion of the guardrail, "
        "in AgentAgent guardrail_configurations and in AgentFlow node configuration knowledge_base/prompt "
        "guardrail_configuration."
    ),
    check=check,
    resource_types=tuple(GUARDRAIL_REFERENCES),
    violation_example=(
        'aws.bedrock.AgentAgent("support", guardrail_configurations=[{"guardrail_identifier": g.guardrail_id, '
        '"guardrail_version": "DRAFT"}], ...)'
    ),
)
