"""Numbered non-compliant programs and compliant look-alikes, through the real CLI.

Each asserts the exact (policy, resource, phase) set that blocks, among the
policies that evaluate a resource type the program declares: a missing policy
is a hole, an extra one is a false positive a team would learn to ignore.
Policies that evaluate none of its types (e.g. a stack rule that requires a
resource the program lacks) are outside what the scenario is about, so adding
such a policy to the pack needs no edit here; a policy that does evaluate one
of its types must be accounted for, finding or not.
"""

import pytest
from perimeter_policies.pack import load_rules

from .cli import make_project, preview_json

RULES = load_rules()

EU = {"aws:region": "eu-west-1"}


def undressed(bucket):
    """What every bucket without the scenario helper's dressing also lacks: backup, lifecycle, access logs."""
    return {("backup-plan-covers-data-stores", bucket, "preview"), ("log-retention-bounded", bucket, "preview"),
            ("service-logging-attached", bucket, "preview")}


SCENARIOS = {
    "s01_bucket_without_encryption_or_public_access_block.py": (EU, {
        ("s3-bucket-encryption-configured", "naked", "preview"),
        ("s3-bucket-public-access-block-present", "naked", "preview"),
        ("s3-bucket-versioning-enabled", "naked", "preview")} | undressed("naked")),
    "s02_bucket_sse_s3.py": (EU, {("cmk-encryption-at-rest", "aes-sse", "preview"),
                                  ("s3-bucket-versioning-enabled", "aes", "preview")} | undressed("aes")),
    "s03_bucket_aws_managed_key.py": (EU, {("cmk-encryption-at-rest", "managed-sse", "preview"),
                                           ("s3-bucket-versioning-enabled", "managed", "preview")} | undressed("managed")),
    "s04_unknown_bucket_id_beside_public_flag.py": (EU, {("s3-public-access-blocked", "kb-pab-loose", "preview")}),
    "s05_same_stack_key_not_rotated.py": (EU, {("kms-key-rotation-enabled", "unrotated", "preview"),
                                                ("s3-bucket-encryption-configured", "logs-sse", "preview")}),
    "s06_public_bucket_policy_from_outputs.py": (EU, {("resource-policy-not-public", "site-policy", "update")}),
    "s07_agent_pinned_to_guardrail_draft.py": (EU, {("bedrock-guardrail-version-pinned", "helper", "update")}),
    "s08_unversioned_guardrail_without_card_block.py": (EU, {
        ("bedrock-guardrail-versioned", "loose", "preview"),
        ("bedrock-guardrail-blocks-card-numbers", "loose", "preview"),
        ("bedrock-guardrail-baseline", "loose", "preview")}),
    "s09_region_not_approved.py": ({"aws:region": "us-east-1"}, {
        ("approved-regions", name, "preview") for name in
        ("default_7_51_1", "docs-key", "docs", "docs-sse", "docs-pab", "docs-own", "docs-ver", "docs-life",
         "docs-backup", "docs-logging", "access-logs", "access-logs-sse", "access-logs-pab", "access-logs-own",
         "access-logs-ver", "access-logs-life", "access-logs-backup", "backups-key", "backups", "backups-lock",
         "daily")}),
    "s10_explicit_provider_and_per_resource_region.py": (EU, {
        ("approved-regions", "us", "preview"), ("approved-regions", "us-key", "preview"),
        ("approved-regions", "moved-key", "preview")}),
    "s11_cross_region_inference_outside_geography.py": (EU, {("approved-regions", "helper", "preview"),
                                                              ("bedrock-guardrail-version-pinned", "helper", "preview")}),
    "s12_open_security_group.py": (EU, {("security-group-no-public-ingress", "open", "preview"),
                                         ("network-no-public-ip", "public", "preview"),
                                         ("vpc-flow-logs-enabled", "net", "preview"),
                                         ("vpc-default-security-group-closed", "net", "preview")}),
    "s13_bedrock_endpoint_public_dns_default_policy.py": (EU, {("bedrock-endpoint-private", "runtime", "preview"),
                                                               ("vpc-flow-logs-enabled", "net", "preview"),
                                                               ("vpc-default-security-group-closed", "net", "preview")}),
    "s14_trail_without_integrity_and_log_group_forever.py": (EU, {
        ("cloudtrail-integrity", "trail", "preview"), ("log-retention-bounded", "trail-group", "preview"),
        ("audit-trail-bucket-protected", "trail-logs", "preview")}),
    "s15_public_database_lambda_and_collection.py": (EU, {
        ("database-not-publicly-accessible", "db", "preview"), ("lambda-not-public", "fn-url", "preview"),
        ("database-access-hardened", "db", "preview"),
        ("opensearch-serverless-not-public", "vectors-net", "preview"),
        ("database-backups-and-deletion-protection", "db", "preview"),
        ("backup-plan-covers-data-stores", "db", "preview"), ("service-logging-enabled", "db", "preview")}),
    "s16_bucket_acl_public_and_object_writer.py": (EU, {("s3-no-public-acl", "exports-acl", "preview"),
                                                         ("s3-no-public-acl", "legacy-writer", "preview")}),
    "s17_public_key_policy_sqs_managed_sse_account_block_off.py": (EU, {
        ("resource-policy-not-public", "shared", "preview"), ("cmk-encryption-at-rest", "jobs", "preview"),
        ("s3-public-access-blocked", "account", "preview")}),
    "s18_cross_region_guardrail_and_inference_profile.py": (EU, {("approved-regions", "assistant", "preview"),
                                                                  ("approved-regions", "app-profile", "preview")}),
    "c50_tls_only_policy_and_service_principal.py": (EU, set()),
    "c51_compliant_guardrail_pinned_by_version.py": (EU, set()),
}


@pytest.mark.parametrize("program", sorted(SCENARIOS))
def test_scenario_blocks_exactly_the_expected_policies(program, tmp_path):
    config, expected = SCENARIOS[program]
    project = make_project(str(tmp_path), program, config)
    code, report = preview_json("--cwd", project, "--stack", "test")
    blocking = {(v["policy"], v["urn"].split("::")[-1], v["phase"])
                for v in report["violations"] if v["enforcementLevel"] == "mandatory"}
    declared = {r["type"] for r in report["resources"]}
    about = {rule.name for rule in RULES if any(rule.applies_to(t) for t in declared)}
    assert {policy for policy, _, _ in expected} <= about, "an expected policy evaluates no type of the program"
    assert {b for b in blocking if b[0] in about} == expected
    assert code == (1 if blocking else 0)
    assert report["diagnostics"] == [], "a rule read an unknown value and stopped blocking"
