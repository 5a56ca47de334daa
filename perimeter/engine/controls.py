"""Policy metadata from the pack's own GetAnalyzerInfo answer.

The protocol carries one framework per policy; the pack puts the full PCI DSS
and SOC 2 mapping and its resource scope in tags, which are read back here.
"""

from __future__ import annotations

from google.protobuf import json_format
from perimeter_policies.rule import NOT_WAIVABLE_TAG, PCI_TAG, RESOURCE_PREFIX_TAG, RESOURCE_TAG, SOC2_TAG
from pulumi.runtime.proto import analyzer_pb2

from ..report import Control
from .analyzer import LEVEL_NAMES, SEVERITY_NAMES


def _tagged(tags, prefix: str) -> tuple[str, ...]:
    return tuple(t[len(prefix):] for t in tags if t.startswith(prefix))


def controls_from_info(info: analyzer_pb2.AnalyzerInfo, levels: dict[str, str]) -> list[Control]:
    controls = []
    for policy in info.policies:
        tags = list(policy.tags)
        controls.append(Control(
            name=policy.name,
            description=policy.description,
            severity=SEVERITY_NAMES.get(policy.severity, ""),
            enforcement_level=levels.get(policy.name, LEVEL_NAMES[policy.enforcementLevel]),
            pci_dss=_tagged(tags, PCI_TAG),
            soc2=_tagged(tags, SOC2_TAG),
            remediation=policy.remediation_steps,
            url=policy.url,
            resource_types=_tagged(tags, RESOURCE_TAG),
            resource_type_prefixes=_tagged(tags, RESOURCE_PREFIX_TAG),
            scope="stack" if policy.policy_type == analyzer_pb2.PolicyType.POLICY_TYPE_STACK else "resource",
            config_schema=json_format.MessageToDict(policy.configSchema),
            waivable=NOT_WAIVABLE_TAG not in tags,
        ))
    return controls
