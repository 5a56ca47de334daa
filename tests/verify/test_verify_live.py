"""`perimeter verify` against moto over HTTP, through the real CLI."""

from __future__ import annotations

import json

import pytest

from .conftest import run_cli
from .environment import ACCOUNT, BUCKETS, LOG_GROUPS, REGION, TRAIL, client


def verify_json(endpoint_url: str, outputs_path) -> tuple[int, dict]:
    result = run_cli("--outputs", str(outputs_path), "--endpoint-url", endpoint_url, "--format", "json")
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


def mandatory(report: dict) -> set[tuple[str, str]]:
    return {(v["policy"], v["urn"]) for v in report["violations"] if v["enforcementLevel"] == "mandatory"}


def test_compliant_deployment_passes(compliant):
    endpoint_url, outputs, path = compliant
    code, report = verify_json(endpoint_url, path)
    assert code == 0, report["violations"]
    assert mandatory(report) == set()
    assert report["accountId"] == ACCOUNT and report["checkedAt"].endswith("+00:00")
    # What moto cannot answer is reported as not verifiable, never as a pass.
    unverifiable = {(n["policy"], n["urn"].rsplit("/", 1)[-1]) for n in report["notApplicable"]}
    assert unverifiable == {("bedrock-guardrail-live", outputs["guardrail"]["id"]),
                            ("bedrock-guardrail-blocks-card-numbers", outputs["guardrail"]["id"]),
                            ("detection-services-enabled", "securityhub"),
                            # moto lacks data access policies (their own row); the collection's row stays compliant.
                            ("opensearch-serverless-not-public", "data-access-policies")}
    assert all(n["reason"].startswith("not verifiable: ") for n in report["notApplicable"])
    assert [n["reason"] for n in report["notApplicable"] if n["policy"] == "opensearch-serverless-not-public"] == [
        "not verifiable: opensearchserverless:ListAccessPolicies: not implemented by this endpoint (HTTP 500)"]


def _drift(service: str, operation: str, **params):
    def apply(endpoint_url: str, outputs: dict) -> None:
        resolved = {k: (v(outputs) if callable(v) else v) for k, v in params.items()}
        getattr(client(endpoint_url, service), operation)(**resolved)
    return apply


VPCE = lambda outputs: outputs["vpcEndpointIds"][0]  # noqa: E731


def _private_dns_off(endpoint_url: str, outputs: dict) -> None:
    """moto 5.2.5 ignores ModifyVpcEndpoint's PrivateDnsEnabled, so the drift is an out-of-band
    replacement: the same endpoint recreated with private DNS off, and the outputs follow it."""
    ec2 = client(endpoint_url, "ec2")
    old = ec2.describe_vpc_endpoints(VpcEndpointIds=[VPCE(outputs)])["VpcEndpoints"][0]
    ec2.delete_vpc_endpoints(VpcEndpointIds=[old["VpcEndpointId"]])
    outputs["vpcEndpointIds"] = [ec2.create_vpc_endpoint(
        VpcId=old["VpcId"], VpcEndpointType="Interface", ServiceName=old["ServiceName"], SubnetIds=old["SubnetIds"],
        PrivateDnsEnabled=False, PolicyDocument=old["PolicyDocument"])["VpcEndpoint"]["VpcEndpointId"]]


DRIFTS = {
    "rotation-off": (_drift("kms", "disable_key_rotation", KeyId=lambda o: o["kmsKeyArns"]["documents"]),
                     "kms-key-rotation-enabled", lambda o: o["kmsKeyArns"]["documents"]),
    "public-access-block-removed": (_drift("s3", "delete_public_access_block", Bucket=BUCKETS["documents"]),
                                    "s3-public-access-blocked", lambda o: f"arn:aws:s3:::{BUCKETS['documents']}"),
    "trail-stopped": (_drift("cloudtrail", "stop_logging", Name=TRAIL),
                      "cloudtrail-logging", lambda o: f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{TRAIL}"),
    "log-retention-removed": (_drift("logs", "delete_retention_policy", logGroupName=LOG_GROUPS["application"]),
                              "log-retention-bounded",
                              lambda o: f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{LOG_GROUPS['application']}"),
    "invocation-logging-deleted": (_drift("bedrock", "delete_model_invocation_logging_configuration"),
                                   "bedrock-invocation-logging-configured",
                                   lambda o: f"aws://{ACCOUNT}/{REGION}/bedrock/model-invocation-logging"),
    "endpoint-private-dns-off": (_private_dns_off,
                                 "bedrock-endpoint-private",
                                 lambda o: f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc-endpoint/{VPCE(o)}"),
}


@pytest.mark.parametrize("drift", sorted(DRIFTS))
def test_drift_is_reported_under_its_control(compliant, drift):
    endpoint_url, outputs, path = compliant
    apply, control_id, urn = DRIFTS[drift]
    apply(endpoint_url, outputs)
    path.write_text(json.dumps(outputs))
    code, report = verify_json(endpoint_url, path)
    assert code == 1
    assert mandatory(report) == {(control_id, urn(outputs))}
