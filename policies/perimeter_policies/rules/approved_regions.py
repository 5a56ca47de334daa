"""approved-regions: every AWS resource, and every Bedrock model route, stays in approved regions.

Why: the perimeter's scope (PCI DSS 12.5.2) and the confidentiality commitments
to customers (SOC 2 C1.1) name where data may live and be processed. In
pulumi-aws 7 a resource's region is its provider's region unless its own
`region` input overrides it, so both are read. Residency is asserted, not
assumed: a provider without a region (it would fall back to AWS_REGION or a
profile on whoever runs `pulumi up`) or with a region unknown at preview is a
violation. Global services (IAM, Organizations, the account public access
block) have no region input, but their provider's region is still where their
API calls and our evidence live, so it must be approved too.

Bedrock cross-region inference moves prompts out of the region: an inference
profile id prefixed `us.`, `eu.`, `apac.`, `global.` ... routes requests
anywhere within that geography (`global.` to any commercial region). Such ids,
bare or inside ARNs, pass only when their geography is approved; the region of
any Bedrock ARN used must be approved as well.

Critical, and not waivable: data residency is a contractual boundary.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..model import Deferred, Outcome, ResourceView, Violation, dig, is_unknown
from ..rule import Rule
from ._findings import describe
from ._paths import EACH, expand

AWS_PROVIDER = "pulumi:providers:aws"
GEOGRAPHIES = ("us", "eu", "apac", "global", "us-gov", "jp", "au", "ca")
# Where each type names a Bedrock model or guardrail profile: an id or ARN that may route across regions.
MODEL_REFERENCES = {
    "aws:bedrock/agentAgent:AgentAgent": (("foundationModel",),),
    "aws:bedrock/inferenceProfile:InferenceProfile": (("modelSource", "copyFrom"),),
    "aws:bedrock/guardrail:Guardrail": (("crossRegionConfig", "guardrailProfileIdentifier"),),
    "aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase": (
        ("knowledgeBaseConfiguration", "vectorKnowledgeBaseConfiguration", "embeddingModelArn"),),
    "aws:bedrock/agentPrompt:AgentPrompt": (("variants", EACH, "modelId"),),
    "aws:bedrock/agentFlow:AgentFlow": (
        ("definition", "nodes", EACH, "configuration", "knowledgeBase", "modelId"),
        ("definition", "nodes", EACH, "configuration", "prompt", "sourceConfiguration", "inline", "modelId"),
    ),
}


def _region_outcomes(resource: ResourceView, approved: list[str]) -> Iterator[Outcome]:
    if resource.type == AWS_PROVIDER:
        where, region = "the provider's region", resource.get("region")
    elif resource.get("region") is not None:
        where, region = "its region input", resource.get("region")
    elif resource.provider is None:
        yield Violation(f"{describe(resource)} has no AWS provider, so its region is not asserted; "
                        f"use a provider with region set to one of {approved}.")
        return
    else:
        where, region = f"its provider '{resource.provider.name}' region", dig(resource.provider.props, "region")
    if region is None:
        yield Violation(f"{describe(resource)}: {where} is not set, so it would come from the environment of "
                        f"whoever deploys; residency is asserted, not assumed: set region to one of {approved}.")
    elif is_unknown(region):
        yield Violation(f"{describe(resource)}: {where} is unknown at preview; residency is asserted, not assumed: "
                        f"set region to a literal, one of {approved}.")
    elif region not in approved:
        yield Violation(f"{describe(resource)}: {where} is {region!r}, not one of the approved regions {approved}.")


def _route(identifier: str) -> tuple[str, str]:
    """(region, geography) of a model, inference profile or guardrail profile id or ARN; '' when it has none."""
    region, resource_id = "", identifier
    if identifier.startswith("arn:"):
        parts = identifier.split(":", 5)
        region = parts[3] if len(parts) == 6 else ""
        resource_id = parts[5].split("/", 1)[-1] if len(parts) == 6 else identifier
    prefix, dot, _ = resource_id.partition(".")
    return region, prefix if dot and prefix in GEOGRAPHIES else ""


def _route_outcomes(resource: ResourceView, approved: list[str], geographies: list[str]) -> Iterator[Outcome]:
    for reference_path in MODEL_REFERENCES.get(resource.type, ()):
        for spelled, identifier in expand(resource.props, reference_path):
            if is_unknown(identifier):
                yield Deferred(f"{describe(resource)}: {spelled} is unknown at preview")
                continue
            if not isinstance(identifier, str) or not identifier:
                continue
            region, geography = _route(identifier)
            if region and region not in approved:
                yield Violation(f"{describe(resource)}: {spelled} {identifier!r} is in region {region!r}, "
                                f"not one of the approved regions {approved}.")
            if geography and geography not in geographies:
                yield Violation(f"{describe(resource)}: {spelled} {identifier!r} is a '{geography}.' cross-region "
                                f"profile that routes requests across that geography, which is not in the approved "
                                f"geographies {geographies}; use an approved geography's profile or an in-region model id.")


def check(resource: ResourceView, config: Any):
    approved, geographies = list(config["approvedRegions"]), list(config["approvedGeographies"])
    yield from _region_outcomes(resource, approved)
    yield from _route_outcomes(resource, approved, geographies)


RULE = Rule(
    name="approved-regions",
    description="AWS resources, providers and Bedrock cross-region inference stay within approved regions and geographies.",
    severity="critical",
    pci_dss=("12.5.2", "1.3.2"),
    soc2=("C1.1", "CC6.7"),
    remediation=(
        "Set region on the aws.Provider (and on any resource's region argument) to an approved region, "
        "as a literal; for Bedrock, use model ids, inference profiles and guardrail profiles (foundation_model, "
        "model_source.copy_from, cross_region_config.guardrail_profile_identifier, embedding_model_arn, model_id) "
        "in approved regions whose geography prefix (eu., us., global., ...) is approved."
    ),
    check=check,
    resource_types=(AWS_PROVIDER,),
    resource_type_prefixes=("aws:",),
    waivable=False,
    config_properties={
        "approvedRegions": {
            "type": "array", "minItems": 1, "uniqueItems": True,
            "items": {"type": "string", "pattern": "^[a-z]{2}(-[a-z]+)+-[0-9]+$"},
            "description": "AWS regions where resources may live and data may be processed, e.g. eu-central-1.",
        },
        "approvedGeographies": {
            "type": "array", "uniqueItems": True,
            "items": {"type": "string", "enum": list(GEOGRAPHIES)},
            "description": "Bedrock cross-region inference geographies allowed (profile id prefixes); "
                           "'global' lets requests reach any commercial region.",
        },
    },
    default_config={"approvedRegions": ["eu-central-1", "eu-west-1"], "approvedGeographies": ["eu"]},
    violation_example='aws.bedrock.AgentAgent("support", foundation_model="us.anthropic.claude-sonnet-4-20250514-v1:0", ...)',
)
