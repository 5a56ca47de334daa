"""bedrock-guardrail-blocks-card-numbers: guardrails block or mask card numbers, under a CMK.

Why: a prompt or a model answer is a place where a PAN can be stored (in
invocation logs, agent memory, traces) or displayed. PCI DSS 3.4.1 wants PAN
masked when displayed and 3.5.1 unreadable where stored; a guardrail whose
sensitive-information policy BLOCKs or ANONYMIZEs CREDIT_DEBIT_CARD_NUMBER in
both directions keeps it out of both. `input_action`/`output_action` NONE or
`input_enabled`/`output_enabled` false switch one direction off, so they fail.

The guardrail's own configuration (denied topics with examples, regexes, word
lists) describes the cardholder data environment, so it must be encrypted
under our key: `kms_key_arn` is required here too. That overlaps with
cmk-encryption-at-rest on purpose: this control is critical and not waivable.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..model import ResourceView, dig, is_unknown
from ..rule import Rule
from ._findings import describe, settle
from ._kms import key_problem

CARD_NUMBER = "CREDIT_DEBIT_CARD_NUMBER"
PROTECTING_ACTIONS = ("BLOCK", "ANONYMIZE")
PII_ENTITIES = ("sensitiveInformationPolicyConfig", "piiEntitiesConfigs")
SPELLED = ".".join(PII_ENTITIES)


def _entry_problems(path: str, entry: Mapping, problems: list[str], unknowns: list[str]) -> None:
    action = entry.get("action")
    if is_unknown(action):
        unknowns.append(f"{path}.action")
    elif action not in PROTECTING_ACTIONS:
        problems.append(f"{path}.action is {action!r}, not BLOCK or ANONYMIZE")
    for direction in ("input", "output"):
        # Optional per-direction overrides: absent means the entry's action applies.
        override = entry.get(f"{direction}Action")
        if is_unknown(override):
            unknowns.append(f"{path}.{direction}Action")
        elif override is not None and override not in PROTECTING_ACTIONS:
            problems.append(f"{path}.{direction}Action is {override!r}, so card numbers pass in the {direction}")
        enabled = entry.get(f"{direction}Enabled")
        if is_unknown(enabled):
            unknowns.append(f"{path}.{direction}Enabled")
        elif enabled is False:
            problems.append(f"{path}.{direction}Enabled is false, so card numbers pass in the {direction}")


def check(guardrail: ResourceView, config):
    problems: list[str] = []
    unknowns: list[str] = []
    entries = guardrail.get(*PII_ENTITIES)
    if is_unknown(entries):
        unknowns.append(SPELLED)
    elif entries is not None and not isinstance(entries, list):
        problems.append(f"{SPELLED} is {entries!r}, not a list of entity configurations, so card numbers are not "
                        "filtered")
    else:
        found = False
        for index, entry in enumerate(entries or []):
            entry_type = dig(entry, "type")
            if is_unknown(entry_type):
                unknowns.append(f"{SPELLED}[{index}].type")
            elif entry_type == CARD_NUMBER:
                found = True
                _entry_problems(f"{SPELLED}[{index}]", entry, problems, unknowns)
        if not found and not unknowns:
            problems.append(f"{SPELLED} has no {CARD_NUMBER} entry, so card numbers reach the model and its answers")
    problem = key_problem(guardrail.get("kmsKeyArn"))
    if problem:
        problems.append(f"kmsKeyArn {problem}, so the guardrail's own configuration of the card data environment "
                        f"is not under our key")
    yield from settle(problems, unknowns, subject=describe(guardrail))


RULE = Rule(
    name="bedrock-guardrail-blocks-card-numbers",
    description="Bedrock guardrails block or anonymize CREDIT_DEBIT_CARD_NUMBER in input and output, and use a CMK.",
    severity="critical",
    pci_dss=("3.4.1", "3.5.1"),
    soc2=("C1.1", "CC6.7"),
    remediation=(
        "Set sensitive_information_policy_config={'pii_entities_configs': [{'type': 'CREDIT_DEBIT_CARD_NUMBER', "
        "'action': 'BLOCK'}]} (or 'ANONYMIZE'; leave input_action/output_action unset or BLOCK/ANONYMIZE and "
        "input_enabled/output_enabled unset or True) and kms_key_arn=key.arn on the aws.bedrock.Guardrail."
    ),
    check=check,
    resource_types=("aws:bedrock/guardrail:Guardrail",),
    waivable=False,
    violation_example=(
        'aws.bedrock.Guardrail("pci", sensitive_information_policy_config={"pii_entities_configs": '
        '[{"type": "CREDIT_DEBIT_CARD_NUMBER", "action": "BLOCK", "output_action": "NONE"}]}, ...)'
    ),
)
