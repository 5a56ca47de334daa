"""bedrock-guardrail-version-pinned: every agent and model-calling flow node uses a guardrail, pinned to a numbered version.

Why: the guardrail is the control that keeps card numbers and prompt attacks
out of model input and output. An agent or flow node that calls a model with
no guardrail at all has no such control (PCI DSS 3.4.1, 6.4.2): every Bedrock
agent, every flow Prompt node, and every flow KnowledgeBase node that
generates an answer (it names a `model_id`; without one it only retrieves)
must name a guardrail.

`DRAFT` is the guardrail's editable working copy. An agent or flow that
uses it picks up any edit immediately, unreviewed, which defeats change control
(PCI DSS 6.5.1, SOC 2 CC8.1) over that control. A pinned version (1-99999999)
is immutable. An empty or missing version means DRAFT too.

At preview a version taken from `aws.bedrock.GuardrailVersion(...).version` is
unknown; it is deferred to `pulumi up`, which sees "1" (whereas a guardrail's
own `version` output is always "DRAFT" and fails there). A flow node or a
guardrail identifier unknown at preview is deferred the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Iterator

from ..model import UNKNOWN, ResourceView, dig, is_unknown
from ..rule import Rule
from ._findings import describe, settle
from ._paths import EACH, expand

AGENT = "aws:bedrock/agentAgent:AgentAgent"
FLOW = "aws:bedrock/agentFlow:AgentFlow"
PINNED_VERSION = re.compile(r"^[1-9][0-9]{0,7}$")
AGENT_GUARDRAILS = "guardrailConfigurations"
# Flow node configurations that call a model, and whether they always do (prompt) or only with a model id.
MODEL_CALLING_NODES = {"prompt": None, "knowledgeBase": "modelId"}


def _is_pinned(version) -> bool:
    if isinstance(version, float) and version.is_integer():
        version = str(int(version))  # a number literal arrives as a float over the wire (never as an int)
    return isinstance(version, str) and bool(PINNED_VERSION.fullmatch(version))


def guardrail_references(resource: ResourceView) -> Iterator[tuple[str, Any]]:
    """(path, guardrail configuration) for each place that calls a model; None means no guardrail there."""
    if resource.type == AGENT:
        configurations = resource.get(AGENT_GUARDRAILS)
        if isinstance(configurations, list) and configurations:  # unknown: the else branch defers it
            yield from expand(resource.props, (AGENT_GUARDRAILS, EACH))
        else:
            yield AGENT_GUARDRAILS, None if configurations in (None, []) else configurations
        return
    for path, node in expand(resource.props, ("definition", "nodes", EACH)):
        if is_unknown(node):
            yield path, UNKNOWN
            continue
        for kind, model_field in MODEL_CALLING_NODES.items():
            configuration = dig(node, "configuration", kind)
            if configuration is None:
                continue
            where = f"{path}.configuration.{kind}"
            if is_unknown(configuration):
                yield where, UNKNOWN
            elif model_field is None or dig(configuration, model_field) is not None:
                yield f"{where}.guardrailConfiguration", dig(configuration, "guardrailConfiguration")


def check(resource: ResourceView, config):
    problems, unknowns = [], []
    for path, reference in guardrail_references(resource):
        if is_unknown(reference):
            unknowns.append(path)
        elif reference is None:
            problems.append(f"{path} is not set: this model call has no guardrail")
        elif not isinstance(reference, Mapping):
            problems.append(f"{path} is {reference!r}, not a guardrail configuration object")
        else:
            identifier, version = reference.get("guardrailIdentifier"), reference.get("guardrailVersion")
            if not is_unknown(identifier) and not (isinstance(identifier, str) and identifier.strip()):
                problems.append(f"{path}.guardrailIdentifier is not set: this model call has no guardrail")
            if is_unknown(version):
                unknowns.append(f"{path}.guardrailVersion")
            elif not _is_pinned(version):
                shown = "not set (DRAFT)" if version in (None, "") else repr(version)
                problems.append(f"{path}.guardrailVersion is {shown}, not a published version number")
    if problems:
        problems.append("set guardrail_identifier=<aws.bedrock.Guardrail>.guardrail_id and "
                        "guardrail_version=<aws.bedrock.GuardrailVersion>.version")
    yield from settle(problems, unknowns, subject=describe(resource))


RULE = Rule(
    name="bedrock-guardrail-version-pinned",
    description=("Every Bedrock agent and every flow node that calls a model uses a guardrail pinned to a published "
                 "version (1-99999999), never none and never DRAFT."),
    severity="high",
    pci_dss=("6.5.1", "2.2.1", "3.4.1", "6.4.2"),
    soc2=("CC8.1", "CC6.8"),
    remediation=(
        "Set guardrail_identifier=guardrail.guardrail_id and guardrail_version=version.version, where version is the "
        "aws.bedrock.GuardrailVersion of the guardrail, in AgentAgent guardrail_configurations and in the "
        "guardrail_configuration of every AgentFlow prompt node and every knowledge_base node that has a model_id."
    ),
    check=check,
    resource_types=(AGENT, FLOW),
    violation_example=(
        'aws.bedrock.AgentAgent("support", guardrail_configurations=[{"guardrail_identifier": g.guardrail_id, '
        '"guardrail_version": "DRAFT"}], ...)'
    ),
)
