"""emr-cluster-kerberos-enabled: a cluster with a Kerberos security configuration in the stack, and each way to lose it."""

import json

import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "emr-cluster-kerberos-enabled"
KERBEROS = {"AuthenticationConfiguration": {"KerberosConfiguration": {
    "Provider": "ClusterDedicatedKdc", "ClusterDedicatedKdcConfiguration": {"TicketLifetimeInHours": 24}}},
    "EncryptionConfiguration": {"EnableInTransitEncryption": True, "EnableAtRestEncryption": True}}
SECURITY = resource(aws.emr.SecurityConfiguration, "kerberos", name="kerberos", configuration=json.dumps(KERBEROS))
CLUSTER = resource(aws.emr.Cluster, "spark", release_label="emr-7.1.0", service_role=UNKNOWN,
                   security_configuration="kerberos",
                   kerberos_attributes={"realm": "EC2.INTERNAL", "kdc_admin_password": UNKNOWN})


def linked(cluster, security=SECURITY):
    """The cluster with security_configuration built from `security`'s name (unknown at preview)."""
    return resource(aws.emr.Cluster, cluster.name, property_dependencies={"securityConfiguration": [security]},
                    **{**cluster.arguments, "security_configuration": UNKNOWN})


def test_compliant_baseline_passes():
    run(POLICY, [SECURITY, CLUSTER]).assert_clean()


@pytest.mark.parametrize("provider", ["ClusterDedicatedKdc", "ExternalKdc"])
def test_linked_by_output_passes(provider):
    document = {"AuthenticationConfiguration": {"KerberosConfiguration": {"Provider": provider}}}
    security = SECURITY.replace(name=None, configuration=json.dumps(document))
    run(POLICY, [security, linked(CLUSTER, security)]).assert_clean()


@pytest.mark.parametrize("arguments, named", [
    ({"security_configuration": None}, "securityConfiguration is not set, so no Kerberos configuration applies"),
    ({"security_configuration": "shared-elsewhere"},
     "securityConfiguration 'shared-elsewhere' is not an aws.emr.SecurityConfiguration declared in this stack"),
    ({"kerberos_attributes": None}, "kerberosAttributes.realm is not set"),
    ({"kerberos_attributes": {"realm": "", "kdc_admin_password": UNKNOWN}}, "kerberosAttributes.realm is not set"),
])
def test_cluster_without_kerberos_blocks(arguments, named):
    bad = CLUSTER.replace(**arguments)
    run(POLICY, [SECURITY, bad]).assert_violation(f"Cluster 'spark': {named}", "not authenticated by Kerberos", on=bad)


@pytest.mark.parametrize("document", [
    {"EncryptionConfiguration": {"EnableInTransitEncryption": True}},
    {"AuthenticationConfiguration": {"KerberosConfiguration": {"Provider": "None"}}},
    {"AuthenticationConfiguration": {}},
    "not json {",
    ["AuthenticationConfiguration"],
])
def test_security_configuration_without_kerberos_blocks(document):
    security = SECURITY.replace(configuration=document if isinstance(document, str) else json.dumps(document))
    run(POLICY, [security, CLUSTER]).assert_violation(
        "its security configuration 'kerberos' sets no AuthenticationConfiguration.KerberosConfiguration.Provider "
        "(ClusterDedicatedKdc or ExternalKdc)", on=CLUSTER)
    run(POLICY, [security, linked(CLUSTER, security)]).assert_violation("sets no AuthenticationConfiguration")


def test_every_problem_in_one_finding():
    bad = CLUSTER.replace(security_configuration=None, kerberos_attributes=None)
    run(POLICY, [bad]).assert_violation(
        "Cluster 'spark': securityConfiguration is not set, so no Kerberos configuration applies; "
        "kerberosAttributes.realm is not set, so its users are not authenticated by Kerberos.", count=1)


def test_only_the_named_configuration_counts():
    other = resource(aws.emr.SecurityConfiguration, "encryption-only", name="encryption-only",
                     configuration=json.dumps({"EncryptionConfiguration": {}}))
    run(POLICY, [other, SECURITY, CLUSTER]).assert_clean()
    run(POLICY, [other, SECURITY, CLUSTER.replace(security_configuration="encryption-only")]).assert_violation(
        "security configuration 'encryption-only' sets no")


def test_unknowns_are_deferred():
    result = run(POLICY, [CLUSTER.replace(security_configuration=UNKNOWN)]).assert_deferred(
        "Cluster 'spark': securityConfiguration unknown at preview")
    assert result.deferred[0]["urn"] == CLUSTER.urn
    both = CLUSTER.replace(security_configuration=UNKNOWN).unknown("kerberosAttributes", "realm")
    run(POLICY, [both]).assert_deferred("Cluster 'spark': securityConfiguration, kerberosAttributes.realm unknown at preview")
    parameter = resource(aws.ssm.Parameter, "sc-name", name="/emr/sc", type="String", value="kerberos")
    from_elsewhere = resource(aws.emr.Cluster, "spark", property_dependencies={"securityConfiguration": [parameter]},
                              **{**CLUSTER.arguments, "security_configuration": UNKNOWN})
    run(POLICY, [SECURITY, parameter, from_elsewhere]).assert_deferred("securityConfiguration unknown at preview")
    run(POLICY, [SECURITY.replace(configuration=UNKNOWN), CLUSTER]).assert_deferred(
        "security configuration 'kerberos'.configuration unknown")
    run(POLICY, [SECURITY, CLUSTER.unknown("kerberosAttributes", "realm")]).assert_deferred(
        "Cluster 'spark': kerberosAttributes.realm unknown")
    run(POLICY, [SECURITY, CLUSTER.unknown("kerberosAttributes")]).assert_deferred("kerberosAttributes.realm")


def test_a_known_problem_blocks_beside_an_unknown():
    bad = CLUSTER.replace(security_configuration=UNKNOWN, kerberos_attributes=None)
    run(POLICY, [bad]).assert_violation("kerberosAttributes.realm is not set")


def test_waiver_waives_and_expired_waiver_does_not():
    bad = CLUSTER.replace(security_configuration=None)
    run(POLICY, [bad], waivers=[waiver(bad)]).assert_waived()
    run(POLICY, [bad], waivers=[waiver(bad, days=-1)]).assert_violation("expired on")
