import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "opensearch-domain-in-vpc"
IN_VPC = {"subnet_ids": [UNKNOWN], "security_group_ids": [UNKNOWN]}
DOMAINS = [resource(aws.opensearch.Domain, "search", domain_name="search", vpc_options=IN_VPC),
           resource(aws.elasticsearch.Domain, "legacy", domain_name="legacy", vpc_options=IN_VPC)]


@pytest.mark.parametrize("domain", DOMAINS, ids=["opensearch", "elasticsearch"])
def test_domain_in_vpc_passes_and_public_one_blocks(domain):
    run(POLICY, domain).assert_clean()
    run(POLICY, domain.replace(vpc_options=None)).assert_violation("no vpcOptions.subnetIds", on=domain)
    run(POLICY, domain.replace(vpc_options={"subnet_ids": []})).assert_violation("no vpcOptions.subnetIds")


def test_unknown_vpc_options_are_deferred():
    run(POLICY, DOMAINS[0].unknown("vpcOptions")).assert_deferred("vpcOptions")


def test_waiver_waives():
    public = DOMAINS[0].replace(vpc_options=None)
    run(POLICY, public, waivers=[waiver(public, reason="Public docs search index, no customer data (SEC-12)")]).assert_waived()


def test_finding_and_deferral_texts():
    result = run(POLICY, DOMAINS[0].replace(vpc_options=None)).assert_violation()
    assert "\nDomain 'search': has no vpcOptions.subnetIds, so its endpoint is public.\n" in result.violations[0][0]
    result = run(POLICY, DOMAINS[1].unknown("vpcOptions", "subnetIds")).assert_deferred()
    assert result.deferred[0]["message"] == "Domain 'legacy': vpcOptions unknown at preview"
