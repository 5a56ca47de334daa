"""`perimeter verify` against moto over HTTP, through the real CLI."""

from __future__ import annotations

import json

import pytest

from .conftest import run_cli, run_in_process
from .environment import ACCOUNT, BUCKETS, LOG_GROUPS, REGION, TRAIL, client


def verify_json(endpoint_url: str, outputs_path) -> tuple[int, dict]:
    result = run_cli("--outputs", str(outputs_path), "--endpoint-url", endpoint_url, "--format", "json")
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


def mandatory(report: dict) -> set[tuple[str, str]]:
    return {(v["policy"], v["urn"]) for v in report["violations"] if v["enforcementLevel"] == "mandatory"}


def test_compliant_deployment_with_unverifiable_mandatory_checks_has_no_verdict(compliant):
    endpoint_url, outputs, path = compliant
    result = run_cli("--outputs", str(path), "--endpoint-url", endpoint_url, "--format", "json")
    code, report = result.returncode, json.loads(result.stdout)
    assert code == 2, report["violations"]
    assert result.stderr.strip().splitlines() == [
        "perimeter: no verdict: 4 mandatory check(s) not verifiable (bedrock-guardrail-blocks-card-numbers, "
        "bedrock-guardrail-live, detection-services-enabled, opensearch-serverless-not-public); exit 2: "
        "see the report's not-verifiable rows"]
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


def _invocation_text_logging_on(endpoint_url: str, outputs: dict) -> None:
    bedrock = client(endpoint_url, "bedrock")
    config = bedrock.get_model_invocation_logging_configuration()["loggingConfig"]
    bedrock.put_model_invocation_logging_configuration(loggingConfig={**config, "textDataDeliveryEnabled": True})


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
    "invocation-text-logging-on": (_invocation_text_logging_on, "bedrock-invocation-logging-metadata-only",
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
    assert code == 2  # the drift is found, but moto leaves mandatory checks unanswered: no verdict
    assert mandatory(report) == {(control_id, urn(outputs))}


def test_strict_turns_no_verdict_into_a_failure(compliant):
    endpoint_url, _, path = compliant
    result = run_cli("--outputs", str(path), "--endpoint-url", endpoint_url, "--strict", "--quiet")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].endswith("exit 1 (--strict): see the report's not-verifiable rows")


def test_fully_verified_compliant_deployment_passes(compliant, moto_gaps_answered, capsys):
    endpoint_url, _, path = compliant
    code, out, err = run_in_process(capsys, "--outputs", str(path), "--endpoint-url", endpoint_url, "--format", "json")
    report = json.loads(out)
    assert code == 0 and err == "", err
    assert report["notApplicable"] == [] and mandatory(report) == set()


@pytest.mark.parametrize("drift", sorted(DRIFTS))
def test_fully_verified_drift_fails(compliant, moto_gaps_answered, capsys, drift):
    endpoint_url, outputs, path = compliant
    apply, control_id, urn = DRIFTS[drift]
    apply(endpoint_url, outputs)
    path.write_text(json.dumps(outputs))
    code, out, _ = run_in_process(capsys, "--outputs", str(path), "--endpoint-url", endpoint_url, "--format", "json")
    assert code == 1
    assert mandatory(json.loads(out)) == {(control_id, urn(outputs))}


def test_record_appends_chained_records_of_each_run(compliant, moto_gaps_answered, capsys, tmp_path):
    from perimeter.verify.record import load_chain

    endpoint_url, outputs, path = compliant
    records = tmp_path / "records"
    for _ in range(2):
        code, _, err = run_in_process(capsys, "--outputs", str(path), "--endpoint-url", endpoint_url,
                                      "--record", str(records))
        assert code == 0 and err.startswith(f"perimeter: recorded this run as {records}/00000")
    chain = load_chain(str(records))
    assert [r.body["sequence"] for r in chain] == [1, 2] and chain[1].body["previous"] == chain[0].digest
    assert chain[0].body["accountId"] == ACCOUNT and chain[0].body["noVerdict"] == ""
    assert {"policy": "kms-key-rotation-enabled", "urn": outputs["kmsKeyArns"]["documents"],
            "status": "COMPLIANT"} in chain[1].body["evaluations"]
