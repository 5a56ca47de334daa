import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "resource-sharing-not-public"
DOCUMENT = resource(aws.ssm.Document, "runbook", document_type="Automation", content="{}",
                    permissions={"type": "Share", "account_ids": "111122223333"})
ACCESS_POINT = resource(aws.s3.AccessPoint, "reports", bucket=UNKNOWN, vpc_configuration={"vpc_id": UNKNOWN})


@pytest.mark.parametrize("subject", [DOCUMENT, DOCUMENT.replace(permissions=None), ACCESS_POINT,
                                     ACCESS_POINT.replace(public_access_block_configuration={"block_public_acls": True})],
                         ids=["document-shared-with-account", "document-private", "access-point-defaults",
                              "access-point-explicit"])
def test_private_sharing_passes(subject):
    run(POLICY, subject).assert_clean()


@pytest.mark.parametrize("accounts", ["All", "111122223333,all"])
def test_public_document_blocks(accounts):
    subject = DOCUMENT.replace(permissions={"type": "Share", "account_ids": accounts})
    run(POLICY, subject).assert_violation("with All accounts", on=DOCUMENT)


@pytest.mark.parametrize("flag, wire", [("block_public_policy", "blockPublicPolicy"),
                                        ("restrict_public_buckets", "restrictPublicBuckets")])
def test_access_point_with_a_flag_off_blocks(flag, wire):
    subject = ACCESS_POINT.replace(public_access_block_configuration={flag: False})
    run(POLICY, subject).assert_violation(f"{wire} is false", on=ACCESS_POINT)


def test_unknown_values_are_deferred():
    run(POLICY, DOCUMENT.unknown("permissions")).assert_deferred("permissions")


def test_waiver_waives():
    public = DOCUMENT.replace(permissions={"type": "Share", "account_ids": "All"})
    run(POLICY, public, waivers=[waiver(public, reason="Published open-source runbook, no CDE names (OSS-1)")]).assert_waived()
