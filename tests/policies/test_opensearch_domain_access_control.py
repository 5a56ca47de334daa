"""opensearch-domain-access-control: a compliant domain of each type, one mutation per violation, unknowns, waivers."""

import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "opensearch-domain-access-control"
FGAC = {"enabled": True, "internal_user_database_enabled": False, "master_user_options": {"master_user_arn": UNKNOWN}}
OPENSEARCH = resource(aws.opensearch.Domain, "search", engine_version="OpenSearch_2.13",
                      advanced_security_options={**FGAC, "anonymous_auth_enabled": False})
ELASTICSEARCH = resource(aws.elasticsearch.Domain, "legacy", elasticsearch_version="7.10", advanced_security_options=FGAC)
COMPLIANT = {"aws:opensearch/domain:Domain": OPENSEARCH, "aws:elasticsearch/domain:Domain": ELASTICSEARCH}


@pytest.mark.parametrize("domain", COMPLIANT.values(), ids=list(COMPLIANT))
def test_compliant_baseline_passes(domain):
    run(POLICY, domain).assert_clean()


def test_anonymous_auth_absent_passes():
    run(POLICY, OPENSEARCH.replace(advanced_security_options=FGAC)).assert_clean()


@pytest.mark.parametrize("domain", COMPLIANT.values(), ids=list(COMPLIANT))
@pytest.mark.parametrize("options, named", [
    (None, "advancedSecurityOptions.enabled is not set (AWS default false), so whoever the access policy admits"),
    ({"enabled": False}, "advancedSecurityOptions.enabled is False"),
])
def test_without_fine_grained_access_control_blocks(domain, options, named):
    bad = domain.replace(advanced_security_options=options)
    run(POLICY, bad).assert_violation(f"Domain '{domain.name}': {named}", on=bad)


def test_anonymous_access_blocks():
    bad = OPENSEARCH.replace(advanced_security_options={**FGAC, "anonymous_auth_enabled": True})
    run(POLICY, bad).assert_violation("advancedSecurityOptions.anonymousAuthEnabled is True, so unauthenticated", on=bad)
    both = OPENSEARCH.replace(advanced_security_options={"enabled": False, "anonymous_auth_enabled": True})
    run(POLICY, both).assert_violation("enabled is False", "anonymousAuthEnabled is True")


def test_strings_are_not_booleans():
    run(POLICY, OPENSEARCH.set("advancedSecurityOptions", "enabled", "true")).assert_violation("enabled is 'true'")
    run(POLICY, OPENSEARCH.set("advancedSecurityOptions", "anonymousAuthEnabled", "false")).assert_violation(
        "anonymousAuthEnabled is 'false'")


@pytest.mark.parametrize("path", [("advancedSecurityOptions", "enabled"), ("advancedSecurityOptions", "anonymousAuthEnabled")])
def test_unknown_at_preview_is_deferred(path):
    run(POLICY, OPENSEARCH.unknown(*path)).assert_deferred(f": {'.'.join(path)} unknown at preview")


def test_whole_block_unknown_is_deferred_and_known_problem_blocks_beside_unknown():
    run(POLICY, OPENSEARCH.unknown("advancedSecurityOptions")).assert_deferred(
        "advancedSecurityOptions.enabled, advancedSecurityOptions.anonymousAuthEnabled unknown")
    bad = OPENSEARCH.set("advancedSecurityOptions", "enabled", False).unknown("advancedSecurityOptions",
                                                                              "anonymousAuthEnabled")
    run(POLICY, bad).assert_violation("enabled is False")


def test_waiver_waives_and_expired_waiver_does_not():
    bad = OPENSEARCH.replace(advanced_security_options=None)
    run(POLICY, bad, waivers=[waiver(bad)]).assert_waived()
    run(POLICY, bad, waivers=[waiver(bad, days=-1)]).assert_violation("expired on")
