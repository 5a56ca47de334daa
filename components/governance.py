"""Model governance: the inventory entry auditors ask for first, and ownership tags everywhere.

`model_inventory` is exported as the stack output `modelInventory`;
`perimeter evidence` renders the model card from it. The tag transform puts
owner / environment / data-classification on every AWS resource whose inputs
accept `tags`, discovered from the pulumi_aws args class of its type, so a
resource type added later is tagged without anyone maintaining a list.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import keyword
from typing import Any, Mapping, Optional

import pulumi

from assistant.prompts import prompts_digest

from .config import PerimeterConfig

AWS_PACKAGE = "aws"


def ownership_tags(config: PerimeterConfig) -> dict[str, str]:
    return {
        "owner": config.owner,
        "environment": config.environment,
        "data-classification": config.data_classification,
        "perimeter-stack": config.stack,
    }


@functools.lru_cache(maxsize=None)
def accepts_tags(resource_type: str) -> bool:
    """Whether the pulumi_aws resource `resource_type` (e.g. aws:s3/bucket:Bucket) has a `tags` input."""
    package, module_path, class_name = resource_type.split(":")
    if package != AWS_PACKAGE:
        return False
    module_name = module_path.split("/")[0]
    if keyword.iskeyword(module_name):
        module_name += "_"
    try:
        module = importlib.import_module("pulumi_aws" if module_name == "index" else f"pulumi_aws.{module_name}")
        args_class = getattr(module, f"{class_name}Args")
    except (ImportError, AttributeError):
        return False
    parameter = inspect.signature(args_class.__init__).parameters.get("tags")
    # Some older types take tags as a list of blocks; only the key/value map form is merged here.
    return parameter is not None and "Mapping" in str(parameter.annotation)


def tagging_transform(tags: Mapping[str, str]):
    """A stack-wide resource transform adding `tags` (which win over a resource's own values)."""

    def add_ownership_tags(args: pulumi.ResourceTransformArgs) -> Optional[pulumi.ResourceTransformResult]:
        if not args.custom or not accepts_tags(args.type_):
            return None
        props = dict(args.props)
        props["tags"] = {**(props.get("tags") or {}), **tags}
        return pulumi.ResourceTransformResult(props=props, opts=args.opts)

    return add_ownership_tags


def register_ownership_tags(config: PerimeterConfig) -> None:
    """Call before any resource is created: transforms apply only to later registrations."""
    pulumi.runtime.register_resource_transform(tagging_transform(ownership_tags(config)))


def model_inventory(
    config: PerimeterConfig,
    *,
    guardrail_id: pulumi.Input[str],
    guardrail_arn: pulumi.Input[str],
    guardrail_version: pulumi.Input[str],
) -> dict[str, Any]:
    governance = config.governance
    return {
        "modelId": config.invocation_model_id,
        "modelVersion": config.model.version,
        "region": config.region,
        "inferenceGeography": config.inference_geography,
        "inferenceRegions": list(config.inference_regions),
        "purpose": governance.purpose,
        "owner": config.owner,
        "dataTouched": list(governance.data_touched),
        "intendedUse": governance.intended_use,
        "limits": list(governance.limits),
        "evaluationPlan": governance.evaluation_plan,
        "monitoringPlan": governance.monitoring_plan,
        "guardrail": {"id": guardrail_id, "arn": guardrail_arn, "version": guardrail_version},
        # The prompts are part of the model: reviewed like code, and any change re-opens the launch gate.
        "promptsDigest": prompts_digest(),
        "inheritedControls": {
            "bedrockNoTrainingConfirmedOn": governance.bedrock_no_training_confirmed_on.isoformat(),
            "awsAttestationsConfirmedOn": governance.aws_attestations_confirmed_on.isoformat(),
        },
        "environment": config.environment,
        "dataClassification": config.data_classification,
    }
