"""The stand-in AWS provider over its real gRPC interface (no engine needed)."""

from __future__ import annotations

from concurrent import futures
from importlib.metadata import version

import grpc
import pytest
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from perimeter.harness import cloud

from .standin_provider import StandInAwsProvider

KEY_URN = "urn:pulumi:dev::perimeter::perimeter:security:Keys$aws:kms/key:Key::data"


def struct(values: dict) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(values)
    return message


@pytest.fixture()
def provider():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(StandInAwsProvider(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = provider_pb2_grpc.ResourceProviderStub(channel)
        stub.Configure(provider_pb2.ConfigureRequest(variables={"aws:region": "eu-central-1"}, args=struct({})))
        yield stub
    server.stop(None)


def test_answers_the_pinned_pulumi_aws_version(provider):
    assert provider.GetPluginInfo(empty_pb2.Empty()).version == version("pulumi_aws")


def test_preview_leaves_computed_outputs_unknown_and_update_synthesizes_them(provider):
    inputs = {"enableKeyRotation": True, "description": "data"}
    preview = json_format.MessageToDict(
        provider.Create(provider_pb2.CreateRequest(urn=KEY_URN, properties=struct(inputs), preview=True)).properties)
    assert preview["arn"] == rpc.UNKNOWN and preview["keyId"] == rpc.UNKNOWN
    assert preview["enableKeyRotation"] is True

    created = provider.Create(provider_pb2.CreateRequest(urn=KEY_URN, properties=struct(inputs)))
    expected_id, expected = cloud.created_outputs("aws:kms/key:Key", "data", inputs, "eu-central-1")
    assert created.id == expected_id
    assert json_format.MessageToDict(created.properties) == expected
    assert ":eu-central-1:" in expected["arn"]


def test_check_returns_the_inputs_and_diff_names_what_changed(provider):
    news = struct({"retentionInDays": 365})
    assert provider.Check(provider_pb2.CheckRequest(urn=KEY_URN, news=news)).inputs == news
    diff = provider.Diff(provider_pb2.DiffRequest(urn=KEY_URN, olds=struct({"retentionInDays": 30}), news=news))
    assert diff.changes == provider_pb2.DiffResponse.DIFF_SOME and list(diff.diffs) == ["retentionInDays"]
    same = provider.Diff(provider_pb2.DiffRequest(urn=KEY_URN, olds=news, news=news))
    assert same.changes == provider_pb2.DiffResponse.DIFF_NONE


@pytest.mark.parametrize("token", ["aws:index/getCallerIdentity:getCallerIdentity", "aws:index/getRegion:getRegion",
                                   "aws:index/getPartition:getPartition",
                                   "aws:index/getAvailabilityZones:getAvailabilityZones"])
def test_invokes_answer_as_the_harness_does_in_the_configured_region(provider, token):
    answer = provider.Invoke(provider_pb2.InvokeRequest(tok=token, args=struct({})))
    assert json_format.MessageToDict(getattr(answer, "return")) == cloud.invoke(token, {}, "eu-central-1")
