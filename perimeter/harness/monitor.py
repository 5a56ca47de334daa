"""Pulumi's mock runtime, completed where the engine does more than the mocks.

`CapturingMonitor` extends the SDK's `MockMonitor` to
- run stack and resource transforms through the SDK's own callback handlers,
  as the engine does (the stock mock monitor records them but never runs them);
- record every registration as the engine would hand it to an analyzer:
  type, name, URN, parent, provider, inputs with unknown sentinels,
  dependencies, property dependencies and options;
- emulate the default AWS provider from `aws:*` stack config.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Optional

from google.protobuf import json_format
from pulumi.runtime import mocks, rpc
from pulumi.runtime._callbacks import _CallbackServicer
from pulumi.runtime.proto import resource_pb2

from . import cloud

AWS_PROVIDER_TYPE = "pulumi:providers:aws"
STACK_TYPE = "pulumi:pulumi:Stack"


def _aws_provider_version() -> str:
    from importlib.metadata import version

    return version("pulumi_aws").replace(".", "_")


class AwsMocks(mocks.Mocks):
    """Answers for resources and invokes. Preview: outputs are the inputs, the rest unknown."""

    def __init__(self, preview: bool, region: str) -> None:
        self.preview = preview
        self.region = region
        self.region_by_provider: dict[str, str] = {}

    def new_resource(self, args: mocks.MockResourceArgs):
        if not args.custom:
            return None, {}
        if self.preview:
            # A first `pulumi preview`: no ids, and only inputs are known outputs.
            return None, dict(args.inputs)
        region = args.inputs.get("region") or self.region_by_provider.get(args.provider or "", self.region)
        if args.typ.startswith("pulumi:providers:"):
            return f"{args.name}-provider", dict(args.inputs)
        return cloud.created_outputs(args.typ, args.name, args.inputs, region if isinstance(region, str) else self.region)

    def call(self, args: mocks.MockCallArgs):
        return cloud.invoke(args.token, args.args, self.region_by_provider.get(args.provider or "", self.region))


def _struct_dict(message) -> dict[str, Any]:
    return json_format.MessageToDict(message, preserving_proto_field_name=False)


class CapturingMonitor(mocks.MockMonitor):
    def __init__(self, aws_mocks: AwsMocks, default_provider_inputs: dict[str, Any]) -> None:
        super().__init__(aws_mocks)
        self.aws_mocks = aws_mocks
        self.default_provider_inputs = default_provider_inputs
        self.stack_transform_tokens: list[str] = []
        self.captured: list[dict[str, Any]] = []
        self.by_urn: dict[str, dict[str, Any]] = {}
        self.default_provider: Optional[dict[str, Any]] = None
        self.stack_urn = ""
        # The SDK registers resources from several threads at once.
        self._lock = threading.Lock()

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The engine's URN: the parent's full qualified type chain, and none for the root stack."""
        if parent:
            parent_type = parent.split("::")[2]
            if parent_type != STACK_TYPE:
                type_ = f"{parent_type}${type_}"
        return super().make_urn("", type_, name)

    # --- transforms, run the way the engine runs them: by callback token ---
    def RegisterStackTransform(self, request):
        self.stack_transform_tokens.append(request.token)
        return super().RegisterStackTransform(request)

    @staticmethod
    def _callback(token: str):
        for servicer in _CallbackServicer._servicers:
            if token in servicer._callbacks:
                return servicer._callbacks[token]
        raise LookupError(f"transform callback {token} is not registered")

    def _apply_transforms(self, request) -> None:
        tokens = list(self.stack_transform_tokens) + [t.token for t in request.transforms]
        for token in tokens:
            transform_request = resource_pb2.TransformRequest(
                type=request.type, name=request.name, custom=request.custom, parent=request.parent,
                properties=request.object,
            )
            response = asyncio.run(self._callback(token)(transform_request.SerializeToString()))
            request.object.Clear()
            request.object.update(_struct_dict(response.properties))

    # --- registrations ---
    def RegisterResource(self, request):
        if request.type == STACK_TYPE:
            self.stack_urn = self.make_urn(request.parent, request.type, request.name)
            self._record(request, self.stack_urn, {})
            return super().RegisterResource(request)
        self._apply_transforms(request)
        response = super().RegisterResource(request)
        self._record(request, response.urn, self._outputs(request, response))
        if request.type == AWS_PROVIDER_TYPE:
            region = _struct_dict(request.object).get("region")
            if isinstance(region, str):
                self.aws_mocks.region_by_provider[f"{response.urn}::{response.id}"] = region
        return response

    def _provider_record(self, request) -> Optional[dict[str, Any]]:
        if request.type.startswith("pulumi:"):
            return None
        if request.provider:
            provider = self.by_urn.get(request.provider.rsplit("::", 1)[0])
            if provider is not None:
                return {"type": provider["type"], "name": provider["name"], "urn": provider["urn"],
                        "inputs": provider["inputs"]}
            return None
        if not request.custom or not request.type.startswith("aws:"):
            return None
        return self._default_provider()

    def _default_provider(self) -> dict[str, Any]:
        """The engine creates `default_<version>` from `aws:*` config when a resource names no provider."""
        with self._lock:
            if self.default_provider is None:
                name = f"default_{_aws_provider_version()}"
                urn = self.make_urn("", AWS_PROVIDER_TYPE, name)
                self.default_provider = {"type": AWS_PROVIDER_TYPE, "name": name, "urn": urn, "custom": True,
                                         "parent": None, "provider": None, "inputs": dict(self.default_provider_inputs),
                                     "outputs": dict(self.default_provider_inputs),
                                         "dependencies": [], "propertyDependencies": {}, "options": {}}
                self.captured.append(self.default_provider)
                self.by_urn[urn] = self.default_provider
        return {key: self.default_provider[key] for key in ("type", "name", "urn", "inputs")}

    def _outputs(self, request, response) -> dict[str, Any]:
        """The resource's state as the engine holds it: in preview, computed outputs are unknown."""
        outputs = _struct_dict(response.object)
        if self.aws_mocks.preview and request.custom and request.type.startswith("aws:"):
            for name in cloud.computed_output_names(request.type):
                outputs.setdefault(name, rpc.UNKNOWN)
        return outputs

    def _record(self, request, urn: str, outputs: dict[str, Any]) -> None:
        record = {
            "type": request.type,
            "name": request.name,
            "urn": urn,
            "custom": bool(request.custom),
            "parent": request.parent or None,
            "provider": self._provider_record(request),
            "inputs": _struct_dict(request.object),
            "outputs": outputs,
            "dependencies": list(request.dependencies),
            "propertyDependencies": {k: list(v.urns) for k, v in request.propertyDependencies.items()},
            "options": {
                "protect": request.protect,
                "ignoreChanges": list(request.ignoreChanges),
                "additionalSecretOutputs": list(request.additionalSecretOutputs),
                "aliases": list(request.aliasURNs),
                "deleteBeforeReplace": request.deleteBeforeReplace,
                "retainOnDelete": request.retainOnDelete,
            },
        }
        self.captured.append(record)
        self.by_urn[urn] = record
