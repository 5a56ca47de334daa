"""A stand-in `pulumi-resource-aws` provider plugin, for the conformance tests only.

It is NOT the AWS provider. pulumi-aws builds from a patched Terraform provider
that no registry here serves, and there is no AWS account, so the real Pulumi
engine (built by tools/pulumi-engine/build.sh) drives this plugin instead. It
speaks the provider gRPC protocol (the SDK's `provider_pb2` stubs) well enough
for `pulumi preview` and `pulumi up` of our programs on a local backend:

- `GetPluginInfo` answers the pulumi-aws version installed beside the SDK;
- `CheckConfig` returns the config, `Configure` takes `aws:region` (or `region`);
- `Check` returns the inputs unchanged, `Diff` compares old and new inputs;
- `Create`/`Update` with `preview`: the inputs, and every output the pulumi-aws
  class declares that is not an input left unknown; without `preview`: the
  outputs the harness synthesizes (`perimeter.harness.cloud.created_outputs`);
- `Invoke` answers caller identity, region, partition, availability zones and
  IAM policy documents from `perimeter.harness.cloud.invoke`;
- `Delete` and `Read` return what they are given.

What it does not reproduce: the real provider's `Check` applies schema defaults
and autonaming (a physical `name`/`bucket` with a random suffix, `tagsAll`,
`forceDestroy=false`, ...) and validates inputs; this one returns the inputs as
the program sent them, and only a created resource's outputs carry the `name`
autonaming would have given it. Outputs are synthesized, not read from AWS. Both sides of
the comparison share that blind spot by construction (the harness sends the
program's inputs too), so it cannot hide a difference between engine and harness,
but it can hide one between this provider and the real one.

Run as a plugin: the engine starts it with its own address as the last
argument; it prints its port on stdout and serves until killed.
"""

from __future__ import annotations

import sys
from concurrent import futures
from importlib.metadata import version
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import plugin_pb2, provider_pb2, provider_pb2_grpc

from perimeter.harness import cloud

DEFAULT_REGION = "us-east-1"


def _to_dict(message: struct_pb2.Struct) -> dict[str, Any]:
    return json_format.MessageToDict(message)


def _to_struct(values: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(values)
    return struct


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _type(urn: str) -> str:
    return urn.split("::")[2].rsplit("$", 1)[-1]


class StandInAwsProvider(provider_pb2_grpc.ResourceProviderServicer):
    def __init__(self) -> None:
        self.region = DEFAULT_REGION

    def GetPluginInfo(self, request, context):
        return plugin_pb2.PluginInfo(version=version("pulumi_aws"))

    def CheckConfig(self, request, context):
        return provider_pb2.CheckResponse(inputs=request.news)

    def DiffConfig(self, request, context):
        changed = _to_dict(request.olds) != _to_dict(request.news)
        return provider_pb2.DiffResponse(
            changes=provider_pb2.DiffResponse.DIFF_SOME if changed else provider_pb2.DiffResponse.DIFF_NONE)

    def Configure(self, request, context):
        region = _to_dict(request.args).get("region") or request.variables.get("aws:region")
        if isinstance(region, str) and region != rpc.UNKNOWN:
            self.region = region
        return provider_pb2.ConfigureResponse(acceptSecrets=False, supportsPreview=True, acceptResources=False)

    def Check(self, request, context):
        return provider_pb2.CheckResponse(inputs=request.news)

    def Diff(self, request, context):
        olds, news = _to_dict(request.old_inputs or request.olds), _to_dict(request.news)
        changed = sorted(key for key in set(olds) | set(news) if olds.get(key) != news.get(key))
        return provider_pb2.DiffResponse(
            changes=provider_pb2.DiffResponse.DIFF_SOME if changed else provider_pb2.DiffResponse.DIFF_NONE,
            diffs=changed)

    def _state(self, urn: str, inputs: dict[str, Any], preview: bool) -> tuple[str, dict[str, Any]]:
        type_token = _type(urn)
        if preview:
            state = dict(inputs)
            for output in cloud.computed_output_names(type_token):
                state.setdefault(output, rpc.UNKNOWN)
            return "", state
        region = inputs.get("region") if isinstance(inputs.get("region"), str) else self.region
        return cloud.created_outputs(type_token, _name(urn), inputs, region)

    def Create(self, request, context):
        resource_id, state = self._state(request.urn, _to_dict(request.properties), request.preview)
        return provider_pb2.CreateResponse(id=resource_id, properties=_to_struct(state))

    def Update(self, request, context):
        _, state = self._state(request.urn, _to_dict(request.news), request.preview)
        return provider_pb2.UpdateResponse(properties=_to_struct(state))

    def Read(self, request, context):
        return provider_pb2.ReadResponse(id=request.id, properties=request.properties, inputs=request.inputs)

    def Delete(self, request, context):
        return empty_pb2.Empty()

    def Invoke(self, request, context):
        answer = cloud.invoke(request.tok, _to_dict(request.args), self.region)
        return provider_pb2.InvokeResponse(**{"return": _to_struct(answer)})

    def Cancel(self, request, context):
        return empty_pb2.Empty()


def main() -> None:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(StandInAwsProvider(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    try:
        server.wait_for_termination()
    except KeyboardInterrupt:  # how the engine stops its plugins when it is done
        server.stop(None)


if __name__ == "__main__":
    sys.exit(main())
