import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "network-paths-controlled"
GATEWAY = resource(aws.ec2transitgateway.TransitGateway, "hub", auto_accept_shared_attachments="disable")
REDSHIFT = resource(aws.redshift.Cluster, "warehouse", cluster_identifier="wh", node_type="ra3.large",
                    enhanced_vpc_routing=True)
EMR = resource(aws.emr.BlockPublicAccessConfiguration, "emr", block_public_security_group_rules=True)
VPN_RULE = resource(aws.ec2clientvpn.AuthorizationRule, "ops", client_vpn_endpoint_id=UNKNOWN,
                    target_network_cidr="10.40.0.0/16", access_group_id="ops-group")
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
