"""Run pack policies through the policy SDK's own Analyzer servicer, in process.

The request goes through the same path the engine's gRPC call takes:
protobuf Struct -> `deserialize_properties` -> `unknown_checking_proxy` ->
policy -> AnalyzeDiagnostic. So a rule that reads an unknown value shows up
here as a "can't run" diagnostic, exactly as it would in `pulumi preview`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from perimeter_policies.evaluation import parse_not_applicable_reason
from perimeter_policies.model import UNKNOWN
from perimeter_policies.pack import PACK_NAME, build_policies
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from perimeter import wire

STACK, PROJECT = "test", "perimeter"
DEFAULT_REGION = "eu-west-1"
_POLICIES = {p.name: p for p in build_policies()}


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{type_}::{name}"


def _sentinels(value: Any) -> Any:
    if value is UNKNOWN:
        return UNKNOWN_STRING_VALUE
    if isinstance(value, dict):
        return {k: _sentinels(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_sentinels(v) for v in value]
    return value


def provider(region: Any = DEFAULT_REGION, name: str = "default_7_51_1", **inputs: Any) -> dict:
    props = dict(inputs)
    if region is not None:
        props["region"] = region
    return {"type": "pulumi:providers:aws", "name": name, "urn": urn("pulumi:providers:aws", name),
            "inputs": _sentinels(props)}


def resource(type_: str, name: str, inputs: Mapping[str, Any], *, region: Any = DEFAULT_REGION,
             provider_record: Optional[dict] = None, parent: Optional[str] = None,
             dependencies: tuple = (), property_dependencies: Optional[Mapping[str, list]] = None) -> dict:
    """A captured resource in wire form. Use `UNKNOWN` for values unknown at preview."""
    return {
        "type": type_, "name": name, "urn": urn(type_, name), "custom": True, "parent": parent,
        "provider": provider_record if provider_record is not None else provider(region),
        "inputs": _sentinels(copy.deepcopy(dict(inputs))),
        "dependencies": list(dependencies),
        "propertyDependencies": dict(property_dependencies or {}),
        "options": {},
    }


@dataclass
class Result:
    violations: list[tuple[str, str]] = field(default_factory=list)   # (message, urn)
    cant_run: list[str] = field(default_factory=list)
    not_applicable: list[str] = field(default_factory=list)
    waived: list[dict] = field(default_factory=list)
    deferred: list[dict] = field(default_factory=list)

    @property
    def urns(self) -> list[str]:
        return [u for _, u in self.violations]

    @property
    def clean(self) -> bool:
        return not self.violations and not self.cant_run


def _servicer(policy_name: str, config: Optional[Mapping[str, Any]]) -> _PolicyAnalyzerServicer:
    servicer = _PolicyAnalyzerServicer(PACK_NAME, "0.0.0", [_POLICIES[policy_name]], EnforcementLevel.MANDATORY)
    servicer.Configure(wire.configure_request({policy_name: dict(config or {})},
                                              {policy_name: analyzer_pb2.MANDATORY}), None)
    return servicer


def _result(response: analyzer_pb2.AnalyzeResponse) -> Result:
    result = Result()
    for d in response.diagnostics:
        if "can't run policy" in d.message:
            result.cant_run.append(d.message)
        else:
            result.violations.append((d.message, d.urn))
    for na in response.not_applicable:
        result.not_applicable.append(na.reason)
        parsed = parse_not_applicable_reason(na.reason) or {}
        result.waived += parsed.get("waived", [])
        result.deferred += parsed.get("deferred", [])
    return result


def analyze(policy_name: str, record: dict, config: Optional[Mapping[str, Any]] = None) -> Result:
    return _result(_servicer(policy_name, config).Analyze(wire.analyze_request(record), None))


def analyze_stack(policy_name: str, records: list, config: Optional[Mapping[str, Any]] = None) -> Result:
    return _result(_servicer(policy_name, config).AnalyzeStack(wire.analyze_stack_request(records), None))
