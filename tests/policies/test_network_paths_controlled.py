import pulumi_aws as aws
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

from tests.policies._config_schema import assert_schema

POLICY = "network-paths-controlled"
GATEWAY = resource(aws.ec2transitgateway.TransitGateway, "hub", auto_accept_shared_attachments="disable")
REDSHIFT = resource(aws.redshift.Cluster, "warehouse", cluster_identifier="wh", node_type="ra3.large",
                    enhanced_vpc_routing=True)
EMR = resource(aws.emr.BlockPublicAccessConfiguration, "emr", block_public_security_group_rules=True)
VPN_RULE = resource(aws.ec2clientvpn.AuthorizationRule, "ops", client_vpn_endpoint_id=UNKNOWN,
                    target_network_cidr="10.40.0.0/16", access_group_id="ops-group")
EMR_RANGES_WIRE = "permittedPublicSecurityGroupRuleRanges"
ALL = [GATEWAY, REDSHIFT, EMR, VPN_RULE]
IDS = ["transit-gateway", "redshift", "emr", "client-vpn"]


@pytest.mark.parametrize("subject", ALL, ids=IDS)
def test_controlled_paths_pass(subject):
    run(POLICY, subject).assert_clean()


@pytest.mark.parametrize("subject, changes, named", [
    (GATEWAY, {"auto_accept_shared_attachments": "enable"}, "autoAcceptSharedAttachments is 'enable'"),
    (REDSHIFT, {"enhanced_vpc_routing": None}, "enhancedVpcRouting is not set (default False)"),
    (REDSHIFT, {"enhanced_vpc_routing": False}, "enhancedVpcRouting is False"),
    (EMR, {"block_public_security_group_rules": False}, "blockPublicSecurityGroupRules is False"),
    (VPN_RULE, {"access_group_id": None, "authorize_all_groups": True}, "authorizeAllGroups is True"),
], ids=["tgw-auto-accept", "redshift-default", "redshift-off", "emr-open", "vpn-all-groups"])
def test_each_uncontrolled_path_blocks(subject, changes, named):
    run(POLICY, subject.replace(**changes)).assert_violation(named, on=subject)


def test_unknown_setting_is_deferred():
    run(POLICY, REDSHIFT.replace(enhanced_vpc_routing=UNKNOWN)).assert_deferred("enhancedVpcRouting")


def test_waiver_waives():
    open_gateway = GATEWAY.replace(auto_accept_shared_attachments="enable")
    run(POLICY, open_gateway, waivers=[waiver(open_gateway, reason="Org network hub, attachments vetted by RAM (NET-4)")]) \
        .assert_waived()


def emr_excepting(*ranges):
    return EMR.replace(permitted_public_security_group_rule_ranges=[{"min_range": low, "max_range": high}
                                                                     for low, high in ranges])


def test_emr_exceptions_beyond_the_permitted_ports_block():
    run(POLICY, emr_excepting()).assert_clean()
    ssh = emr_excepting((22, 22))
    run(POLICY, ssh).assert_violation("BlockPublicAccessConfiguration 'emr': permittedPublicSecurityGroupRuleRanges[0] "
                                      "permits public ports 22-22; only [] may be opened to the internet.", on=ssh)
    run(POLICY, ssh, config={"emrPermittedPublicPorts": [22]}).assert_clean()
    wide = emr_excepting((22, 22), (20, 23))
    run(POLICY, wide, config={"emrPermittedPublicPorts": [22]}).assert_violation(
        "permittedPublicSecurityGroupRuleRanges[1] permits public ports 20-23", on=wide)
    run(POLICY, emr_excepting((22, 23)), config={"emrPermittedPublicPorts": [22, 23, 23]}).assert_clean()
    run(POLICY, emr_excepting((23, 22)), config={"emrPermittedPublicPorts": [22, 23]}).assert_violation("23-22")


@settings(max_examples=40, deadline=None)
@given(low=st.integers(0, 40), span=st.integers(0, 4), permitted=st.sets(st.integers(0, 45), max_size=8))
def test_a_range_passes_exactly_when_every_port_in_it_is_permitted(low, span, permitted):
    declared = emr_excepting((low, low + span))
    result = run(POLICY, declared, config={"emrPermittedPublicPorts": sorted(permitted)})
    if set(range(low, low + span + 1)) <= permitted:
        result.assert_clean()
    else:
        result.assert_violation(f"permits public ports {low}-{low + span}", on=declared)


@pytest.mark.parametrize("bad_range", [{"minRange": 22.5, "maxRange": 23}, {"minRange": -1, "maxRange": 22},
                                       {"minRange": 22, "maxRange": 70000}, {"minRange": True, "maxRange": 22},
                                       "22-22"])
def test_emr_range_of_the_wrong_shape_blocks(bad_range):
    bad = emr_excepting((22, 22)).set(EMR_RANGES_WIRE, 0, bad_range)
    run(POLICY, bad, config={"emrPermittedPublicPorts": [22]}).assert_violation(
        f"'emr': {EMR_RANGES_WIRE}[0] is ", ", not a port range.", on=bad)


def test_emr_unknown_ranges_are_deferred():
    run(POLICY, EMR.replace(permitted_public_security_group_rule_ranges=UNKNOWN)).assert_deferred(
        f"'emr': {EMR_RANGES_WIRE} unknown at preview")
    run(POLICY, emr_excepting((22, 22)).unknown(EMR_RANGES_WIRE, 0, "maxRange")).assert_deferred(
        f"'emr': {EMR_RANGES_WIRE}[0] unknown at preview")
    run(POLICY, emr_excepting((22, 22)).unknown(EMR_RANGES_WIRE, 0, "minRange")).assert_deferred(
        f"'emr': {EMR_RANGES_WIRE}[0] unknown at preview")


def test_config_schema_refuses_what_the_engine_would_refuse():
    assert_schema(POLICY, {"emrPermittedPublicPorts": [0, 22, 65535]},
                  [("emrPermittedPublicPorts", 22), ("emrPermittedPublicPorts", [-1]),
                   ("emrPermittedPublicPorts", [65536]), ("emrPermittedPublicPorts", ["22"])])


def test_port_bounds_are_inclusive():
    run(POLICY, emr_excepting((0, 0), (65535, 65535)), config={"emrPermittedPublicPorts": [0, 65535]}).assert_clean()
    beyond = emr_excepting((65536, 65536))
    run(POLICY, beyond, config={"emrPermittedPublicPorts": [65535]}).assert_violation("not a port range", on=beyond)
