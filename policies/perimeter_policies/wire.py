"""Captured resources to and from the engine's Analyzer protobuf messages (the CLI's engine and the test kit share it).

A captured resource is a plain dict, as `harness.program` writes it:
  {"type", "name", "urn", "custom", "parent", "provider": {"type","name","urn","inputs"} | None,
   "inputs", "outputs", "dependencies", "propertyDependencies": {prop: [urn]}, "options": {...}}
Unknown inputs already hold the engine's sentinel strings, so they travel as-is.
"""

from __future__ import annotations

from typing import Any, Mapping

from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2


def struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(dict(values))
    return message


def _options(resource: Mapping[str, Any]) -> analyzer_pb2.AnalyzerResourceOptions:
    options = resource.get("options") or {}
    return analyzer_pb2.AnalyzerResourceOptions(
        protect=bool(options.get("protect", False)),
        ignoreChanges=list(options.get("ignoreChanges", [])),
        additionalSecretOutputs=list(options.get("additionalSecretOutputs", [])),
        aliases=list(options.get("aliases", [])),
        parent=resource.get("parent") or "",
    )


def _provider(resource: Mapping[str, Any]) -> dict[str, Any]:
    provider = resource.get("provider")
    if not provider:
        return {}
    return {
        "provider": analyzer_pb2.AnalyzerProviderResource(
            type=provider["type"], name=provider["name"], urn=provider["urn"], properties=struct(provider["inputs"])
        )
    }


def analyze_request(resource: Mapping[str, Any]) -> analyzer_pb2.AnalyzeRequest:
    return analyzer_pb2.AnalyzeRequest(
        type=resource["type"],
        name=resource["name"],
        urn=resource["urn"],
        properties=struct(resource["inputs"]),
        options=_options(resource),
        **_provider(resource),
    )


def stack_resource(resource: Mapping[str, Any]) -> analyzer_pb2.AnalyzerResource:
    """For AnalyzeStack the engine sends each resource's outputs (its state), not its inputs."""
    return analyzer_pb2.AnalyzerResource(
        type=resource["type"],
        name=resource["name"],
        urn=resource["urn"],
        properties=struct(resource.get("outputs", resource["inputs"])),
        options=_options(resource),
        parent=resource.get("parent") or "",
        dependencies=list(resource.get("dependencies", [])),
        propertyDependencies={
            prop: analyzer_pb2.AnalyzerPropertyDependencies(urns=list(urns))
            for prop, urns in (resource.get("propertyDependencies") or {}).items()
        },
        **_provider(resource),
    )


def analyze_stack_request(resources) -> analyzer_pb2.AnalyzeStackRequest:
    return analyzer_pb2.AnalyzeStackRequest(resources=[stack_resource(r) for r in resources])


def configure_request(policy_config: Mapping[str, Mapping[str, Any]], levels: Mapping[str, int]) -> analyzer_pb2.ConfigureAnalyzerRequest:
    """`policy_config`: properties per policy; `levels`: protobuf enforcement level per policy."""
    return analyzer_pb2.ConfigureAnalyzerRequest(
        policyConfig={
            name: analyzer_pb2.PolicyConfig(enforcementLevel=levels[name], properties=struct(policy_config.get(name, {})))
            for name in levels
        }
    )
