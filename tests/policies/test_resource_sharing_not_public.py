import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

from tests.policies._config_schema import assert_schema

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
    run(POLICY, subject).assert_violation("Document 'runbook': permissions shares the document with All accounts.",
                                          on=DOCUMENT)


@pytest.mark.parametrize("flag, wire", [("block_public_policy", "blockPublicPolicy"),
                                        ("restrict_public_buckets", "restrictPublicBuckets")])
def test_access_point_with_a_flag_off_blocks(flag, wire):
    subject = ACCESS_POINT.replace(public_access_block_configuration={flag: False})
    run(POLICY, subject).assert_violation(f"AccessPoint 'reports': publicAccessBlockConfiguration.{wire} is false.",
                                          on=ACCESS_POINT)


@pytest.mark.parametrize("subject, path, named", [
    (DOCUMENT, ("permissions",), "Document 'runbook': permissions unknown at preview"),
    (DOCUMENT, ("permissions", "account_ids"), "Document 'runbook': permissions.account_ids unknown at preview"),
    (ACCESS_POINT.replace(public_access_block_configuration=UNKNOWN), (),
     "AccessPoint 'reports': publicAccessBlockConfiguration unknown at preview"),
    (ACCESS_POINT.replace(public_access_block_configuration={"block_public_acls": True}),
     ("publicAccessBlockConfiguration", "blockPublicAcls"),
     "AccessPoint 'reports': publicAccessBlockConfiguration.blockPublicAcls unknown at preview"),
])
def test_unknown_values_are_deferred(subject, path, named):
    run(POLICY, subject.unknown(*path) if path else subject).assert_deferred(named)


def test_waiver_waives():
    public = DOCUMENT.replace(permissions={"type": "Share", "account_ids": "All"})
    run(POLICY, public, waivers=[waiver(public, reason="Published open-source runbook, no CDE names (OSS-1)")]).assert_waived()


SNAPSHOT_BLOCK = resource(aws.ebs.SnapshotBlockPublicAccess, "snapshots", state="block-all-sharing")
PORTFOLIO_SHARE = resource(aws.servicecatalog.PortfolioShare, "platform", portfolio_id=UNKNOWN,
                           principal_id="o-exampleorgid", type="ORGANIZATION")


@pytest.mark.parametrize("subject, field, allowed, refused", [
    (SNAPSHOT_BLOCK, "state", ["block-all-sharing"], ["block-new-sharing", "unblocked"]),
    (PORTFOLIO_SHARE, "type", ["ORGANIZATION", "ORGANIZATIONAL_UNIT"], ["ACCOUNT"]),
], ids=["snapshot-block", "portfolio-share"])
def test_sharing_beyond_the_allowed_scope_blocks(subject, field, allowed, refused):
    for value in allowed:
        run(POLICY, subject.replace(**{field: value})).assert_clean()
    for value in refused:
        bad = subject.replace(**{field: value})
        run(POLICY, bad).assert_violation(f"'{subject.name}': {field} is {value!r}; set {field} to one of {allowed!r}.",
                                          on=bad)
    run(POLICY, subject.replace(**{field: UNKNOWN})).assert_deferred(f"'{subject.name}': {field} unknown at preview")


def test_allowed_sharing_scopes_are_configurable():
    newer = SNAPSHOT_BLOCK.replace(state="block-new-sharing")
    config = {"allowedSnapshotBlockPublicAccessStates": ["block-all-sharing", "block-new-sharing"]}
    run(POLICY, newer, config=config).assert_clean()
    account = PORTFOLIO_SHARE.replace(type="ACCOUNT", principal_id="111122223333")
    run(POLICY, account, config={"allowedPortfolioShareTypes": ["ACCOUNT", "ORGANIZATION"]}).assert_clean()
    run(POLICY, PORTFOLIO_SHARE, config={"allowedPortfolioShareTypes": ["ORGANIZATIONAL_UNIT"]}).assert_violation(
        "type is 'ORGANIZATION'", on=PORTFOLIO_SHARE)


def test_config_schema_refuses_what_the_engine_would_refuse():
    assert_schema(POLICY, {"allowedSnapshotBlockPublicAccessStates": ["block-new-sharing", "unblocked"],
                           "allowedPortfolioShareTypes": ["ACCOUNT"]},
                  [(key, bad) for key in ("allowedSnapshotBlockPublicAccessStates", "allowedPortfolioShareTypes")
                   for bad in ("ORGANIZATION", [], ["public"])])
