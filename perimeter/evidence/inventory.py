"""The model-governance record a stack exports as `modelInventory`, checked before use."""

from __future__ import annotations

from typing import Any

import jsonschema

from ..errors import UsageError

_TEXT = {"type": "string", "minLength": 1}
_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
INVENTORY_SCHEMA = {
    "type": "object",
    "required": ["modelId", "region", "purpose", "owner", "dataTouched", "intendedUse", "limits",
                 "evaluationPlan", "monitoringPlan", "guardrail", "inheritedControls"],
    "properties": {
        "modelId": _TEXT, "modelVersion": {"type": "string"}, "region": _TEXT,
        "inferenceGeography": {"type": ["string", "null"]}, "purpose": _TEXT, "owner": _TEXT,
        "dataTouched": {"type": "array", "items": _TEXT, "minItems": 1},
        "intendedUse": _TEXT, "limits": {"type": "array", "items": _TEXT, "minItems": 1},
        "evaluationPlan": _TEXT, "monitoringPlan": _TEXT,
        "guardrail": {"type": "object", "required": ["id", "version"],
                      "properties": {"id": _TEXT, "arn": {"type": "string"}, "version": _TEXT}},
        "inheritedControls": {"type": "object", "required": ["bedrockNoTrainingConfirmedOn", "awsAttestationsConfirmedOn"],
                              "properties": {"bedrockNoTrainingConfirmedOn": _DATE, "awsAttestationsConfirmedOn": _DATE}},
    },
}
# Where each required fact is set in the reference program's stack config, for the error message.
SETTING_HINT = "perimeter:governance (see stacks/Pulumi.prod.yaml)"


def model_inventory(outputs: dict[str, Any], stack: str) -> dict[str, Any]:
    inventory = outputs.get("modelInventory")
    if not isinstance(inventory, dict):
        raise UsageError(f"stack '{stack}' exports no `modelInventory` output: export the governance record "
                         f"(components/governance.py) to build the evidence pack")
    error = next(iter(sorted(jsonschema.Draft7Validator(INVENTORY_SCHEMA).iter_errors(inventory),
                             key=lambda e: list(e.path))), None)
    if error is not None:
        path = ".".join(str(p) for p in error.absolute_path)
        missing = error.message.split("'")[1] if error.validator == "required" else ""
        key = ".".join(filter(None, [path, missing]))
        raise UsageError(f"stack '{stack}' governance setting '{key}' is missing or invalid ({error.message}): set it in {SETTING_HINT}")
    return inventory
