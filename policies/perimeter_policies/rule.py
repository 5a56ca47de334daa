"""What a rule is: a pure check plus the metadata an auditor and a developer need.

Each module in `rules/` defines exactly one `RULE`. The pack discovers them,
so adding a control is adding a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Optional, Union

from .frameworks import PCI_DSS, SOC2
from .model import Outcome, ResourceView, StackView

DOCS_URL = "https://github.com/perimeter-dev/perimeter/blob/main/docs/policies.md"

SEVERITIES = ("low", "medium", "high", "critical")
LEVELS = ("advisory", "mandatory", "remediate", "disabled")

ResourceCheck = Callable[[ResourceView, Mapping[str, Any]], Iterable[Outcome]]
StackCheck = Callable[[StackView, Mapping[str, Any]], Iterable[Outcome]]

# Tag prefixes carry the multi-framework mapping and resource scope over the
# Analyzer protocol, whose PolicyInfo holds only one framework per policy.
PCI_TAG = "pci-dss:"
SOC2_TAG = "soc2:"
RESOURCE_TAG = "resource:"
RESOURCE_PREFIX_TAG = "resource-prefix:"
NOT_WAIVABLE_TAG = "not-waivable"


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    severity: str
    pci_dss: tuple[str, ...]
    soc2: tuple[str, ...]
    remediation: str
    check: Union[ResourceCheck, StackCheck]
    resource_types: tuple[str, ...]
    scope: str = "resource"  # "resource" (Analyze) or "stack" (AnalyzeStack)
    waivable: bool = True
    enforcement_level: str = "mandatory"
    # JSON-schema properties of this rule's own config (besides `waivers`).
    config_properties: Mapping[str, Any] = field(default_factory=dict)
    default_config: Mapping[str, Any] = field(default_factory=dict)
    # A short, realistic example of a violating program, for docs/policies.md.
    violation_example: str = ""
    tags: tuple[str, ...] = ()
    # Type prefixes (e.g. "aws:") for a rule that covers every resource of a provider.
    resource_type_prefixes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        problems = []
        if self.severity not in SEVERITIES:
            problems.append(f"severity {self.severity!r} not in {SEVERITIES}")
        if self.enforcement_level not in LEVELS:
            problems.append(f"enforcement level {self.enforcement_level!r} not in {LEVELS}")
        if self.scope not in ("resource", "stack"):
            problems.append(f"scope {self.scope!r} must be 'resource' or 'stack'")
        unknown_pci = [r for r in self.pci_dss if r not in PCI_DSS]
        unknown_soc = [c for c in self.soc2 if c not in SOC2]
        if unknown_pci or unknown_soc:
            problems.append(f"framework ids not in the catalogue: {unknown_pci + unknown_soc}")
        if not self.pci_dss or not self.soc2:
            problems.append("every rule maps to at least one PCI DSS requirement and one SOC 2 criterion")
        if not self.resource_types and not self.resource_type_prefixes:
            problems.append("resource_types (or resource_type_prefixes) must name the types the rule evaluates")
        if problems:
            raise ValueError(f"rule {self.name}: " + "; ".join(problems))

    @property
    def url(self) -> str:
        return f"{DOCS_URL}#{self.name}"

    def config(self, supplied: Optional[Mapping[str, Any]]) -> dict[str, Any]:
        merged = dict(self.default_config)
        merged.update(supplied or {})
        return merged

    def protocol_tags(self) -> list[str]:
        return (
            list(self.tags)
            + [PCI_TAG + r for r in self.pci_dss]
            + [SOC2_TAG + c for c in self.soc2]
            + [RESOURCE_TAG + t for t in self.resource_types]
            + [RESOURCE_PREFIX_TAG + p for p in self.resource_type_prefixes]
            + ([] if self.waivable else [NOT_WAIVABLE_TAG])
        )

    def applies_to(self, resource_type: str) -> bool:
        return resource_type in self.resource_types or resource_type.startswith(self.resource_type_prefixes)
