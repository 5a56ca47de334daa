"""The one result shape every command produces and every renderer reads.

`preview` and `evidence` fill it from the policy pack; `verify` fills it from
live AWS checks. Control ids, levels and framework labels mean the same
everywhere, so preview findings and live findings line up in one trail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

# Exit codes, documented in the README.
EXIT_CLEAN, EXIT_VIOLATIONS, EXIT_NO_VERDICT = 0, 1, 2

COMPLIANT, NON_COMPLIANT, WAIVED, NOT_APPLICABLE, UNKNOWN_AT_PREVIEW = (
    "COMPLIANT", "NON_COMPLIANT", "WAIVED", "NOT_APPLICABLE", "UNKNOWN_AT_PREVIEW")
# A control the policy config switched off: evidence shows it, never as a clean control.
DISABLED, DISABLED_MESSAGE = "DISABLED", "disabled by policy config"
# The message prefix of a row AWS (or any live source) could not answer: no evidence either way.
NOT_VERIFIABLE = "not verifiable: "
STATUSES = (COMPLIANT, NON_COMPLIANT, WAIVED, NOT_APPLICABLE, UNKNOWN_AT_PREVIEW, DISABLED)


@dataclass(frozen=True)
class Control:
    """A policy's metadata, as the pack declares it (or a verify check's)."""

    name: str
    description: str
    severity: str
    enforcement_level: str
    pci_dss: tuple[str, ...] = ()
    soc2: tuple[str, ...] = ()
    remediation: str = ""
    url: str = ""
    resource_types: tuple[str, ...] = ()
    resource_type_prefixes: tuple[str, ...] = ()
    scope: str = "resource"
    config_schema: dict = field(default_factory=dict)
    waivable: bool = True

    @property
    def frameworks(self) -> list[str]:
        from perimeter_policies.frameworks import framework_labels

        return framework_labels(self.pci_dss, self.soc2)

    def evaluates(self, resource_type: str) -> bool:
        if not self.resource_types and not self.resource_type_prefixes:
            return True  # a pack that declares no scope evaluates everything
        return resource_type in self.resource_types or resource_type.startswith(self.resource_type_prefixes)


@dataclass(frozen=True)
class Resource:
    urn: str
    type: str
    name: str
    parent: Optional[str] = None
    # As the program registered it (preview: offline): what the PCI diagrams are drawn from.
    inputs: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    property_dependencies: Mapping[str, list[str]] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Finding:
    policy: str
    enforcement_level: str  # mandatory | advisory | remediate | waived
    severity: str
    urn: str
    message: str
    phase: str
    frameworks: tuple[str, ...] = ()
    waiver: Optional[dict] = None

    def to_json(self) -> dict[str, Any]:
        data = {"policy": self.policy, "enforcementLevel": self.enforcement_level, "severity": self.severity,
                "urn": self.urn, "message": self.message, "phase": self.phase, "frameworks": list(self.frameworks)}
        if self.waiver:
            data["waiver"] = self.waiver
        return data


@dataclass(frozen=True)
class Evaluation:
    """One policy x resource x phase: the row an auditor reads (passes count as evidence)."""

    policy: str
    urn: str
    type: str
    phase: str
    status: str
    message: str = ""
    waiver: Optional[dict] = None


@dataclass
class Report:
    command: str
    project: str
    stack: str
    pack_name: str
    pack_version: str
    controls: list[Control]
    resources: list[Resource]
    findings: list[Finding] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    not_applicable: list[dict] = field(default_factory=list)
    diagnostics: list[dict] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # verify: checkedAt, accountId
    # Set when part of the target could not be examined (e.g. AWS unreachable): no verdict, whatever was found.
    no_verdict: str = ""

    def control(self, name: str) -> Optional[Control]:
        return next((c for c in self.controls if c.name == name), None)

    def count(self, level: str) -> int:
        return sum(1 for f in self.findings if f.enforcement_level == level)

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.enforcement_level in ("mandatory", "remediate")]

    @property
    def exit_code(self) -> int:
        if self.no_verdict:
            return EXIT_NO_VERDICT
        return EXIT_VIOLATIONS if self.blocking else EXIT_CLEAN

    def summary(self) -> dict[str, int]:
        return {"resources": len(self.resources), "mandatory": len(self.blocking),
                "advisory": self.count("advisory"), "waived": self.count("waived")}

    def to_json(self) -> dict[str, Any]:
        data = {
            "project": self.project,
            "stack": self.stack,
            "policyPack": {"name": self.pack_name, "version": self.pack_version},
            "resources": [{"urn": r.urn, "type": r.type, "name": r.name} for r in self.resources],
            "violations": [f.to_json() for f in self.findings],
            "notApplicable": self.not_applicable,
            "diagnostics": self.diagnostics,
            "summary": self.summary(),
        }
        data.update(self.extra)
        return data
