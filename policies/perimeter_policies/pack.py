"""Turn the rules in `rules/` into Pulumi policies. The thin SDK side of the pack."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    ResourceValidationPolicy,
    Severity,
    StackValidationPolicy,
)

from . import rules as rules_package
from .adapter import resource_view, stack_view
from .evaluation import evaluate
from .frameworks import PCI_DSS_NAME, PCI_DSS_VERSION
from .rule import Rule
from .waivers import WAIVER_CONFIG_PROPERTIES

PACK_NAME = "perimeter"


def load_rules() -> list[Rule]:
    """Every `RULE` in `rules/`, sorted by name, names unique."""
    found = []
    for module in pkgutil.iter_modules(rules_package.__path__):
        if module.name.startswith("_"):
            continue
        found.append(importlib.import_module(f"{rules_package.__name__}.{module.name}").RULE)
    names = [r.name for r in found]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"duplicate policy names: {duplicates}")
    return sorted(found, key=lambda r: r.name)


def config_schema(rule: Rule) -> PolicyConfigSchema:
    return PolicyConfigSchema(properties={**rule.config_properties, **WAIVER_CONFIG_PROPERTIES})


def _report(rule: Rule, args: Any, report_violation: Any, subject: Any) -> None:
    result = evaluate(rule, subject, args.get_config())
    for violation in result.violations:
        report_violation(f"{violation.message}\nFix: {rule.remediation}", violation.urn)
    reason = result.not_applicable_reason()
    if reason:
        args.not_applicable(reason)


def to_policy(rule: Rule):
    common = dict(
        name=rule.name,
        description=rule.description,
        enforcement_level=EnforcementLevel(rule.enforcement_level),
        config_schema=config_schema(rule),
        severity=Severity(rule.severity),
        framework=PolicyComplianceFramework(
            name=PCI_DSS_NAME, version=PCI_DSS_VERSION, reference=", ".join(rule.pci_dss)
        ),
        tags=rule.protocol_tags(),
        remediation_steps=rule.remediation,
        url=rule.url,
    )
    if rule.scope == "stack":
        def validate_stack(args, report_violation):
            _report(rule, args, report_violation, stack_view(args))

        return StackValidationPolicy(validate=validate_stack, **common)

    def validate_resource(args, report_violation):
        if rule.applies_to(args.resource_type):
            _report(rule, args, report_violation, resource_view(args))

    return ResourceValidationPolicy(validate=validate_resource, **common)


def build_policies() -> list:
    return [to_policy(rule) for rule in load_rules()]
