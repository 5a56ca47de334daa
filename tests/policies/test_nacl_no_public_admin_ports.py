import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "nacl-no-public-admin-ports"
HTTPS_IN = {"rule_no": 100, "action": "allow", "protocol": "tcp", "from_port": 443, "to_port": 443,
            "cidr_block": "0.0.0.0/0"}
SSH_FROM_VPN = {"rule_no": 110, "action": "allow", "protocol": "tcp", "from_port": 22, "to_port": 22,
                "cidr_block": "10.8.0.0/16"}
# Return traffic on Linux's ephemeral range; 1024-65535 would include RDP's 3389.
EPHEMERAL_IN = {"rule_no": 120, "action": "allow", "protocol": "tcp", "from_port": 32768, "to_port": 65535,
                "cidr_block": "0.0.0.0/0"}
DENY_ALL_SSH = {"rule_no": 90, "action": "deny", "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_block": "0.0.0.0/0"}
ACL = resource(aws.ec2.NetworkAcl, "public", vpc_id=UNKNOWN, subnet_ids=[UNKNOWN],
               ingress=[HTTPS_IN, SSH_FROM_VPN, EPHEMERAL_IN, DENY_ALL_SSH],
               egress=[{**HTTPS_IN, "protocol": "-1", "from_port": 0, "to_port": 0}])
DEFAULT_ACL = resource(aws.ec2.DefaultNetworkAcl, "default", default_network_acl_id=UNKNOWN, ingress=[HTTPS_IN])
RULE = resource(aws.ec2.NetworkAclRule, "https", network_acl_id=UNKNOWN, rule_number=100, egress=False,
                protocol="tcp", rule_action="allow", cidr_block="0.0.0.0/0", from_port=443, to_port=443)


@pytest.mark.parametrize("subject", [ACL, DEFAULT_ACL, RULE], ids=["acl", "default-acl", "rule"])
def test_compliant_entries_pass(subject):
    run(POLICY, subject).assert_clean()


def test_open_egress_and_rules_marked_egress_are_out_of_scope():
    run(POLICY, RULE.replace(egress=True, from_port=22, to_port=22)).assert_clean()


OPEN_SSH = {**HTTPS_IN, "from_port": 22, "to_port": 22}


@pytest.mark.parametrize("entry, named", [
    (OPEN_SSH, "ingress[4] allows 0.0.0.0/0 on administrative port(s) 22 (tcp)"),
    ({**HTTPS_IN, "from_port": 3300, "to_port": 3400, "protocol": "udp"}, "port(s) 3389 (udp)"),
    ({**HTTPS_IN, "protocol": "6", "from_port": 0, "to_port": 65535}, "port(s) 22, 3389 (6)"),
    ({**EPHEMERAL_IN, "from_port": 1024}, "port(s) 3389 (tcp)"),
    ({**HTTPS_IN, "protocol": "-1", "from_port": 0, "to_port": 0}, "22, 3389 (all protocols)"),
    ({**HTTPS_IN, "cidr_block": None, "ipv6_cidr_block": "::/0", "from_port": 22, "to_port": 22}, "allows ::/0"),
])
def test_admin_port_open_to_the_internet_blocks(entry, named):
    entry = {k: v for k, v in entry.items() if v is not None}
    run(POLICY, ACL.replace(ingress=ACL.arguments["ingress"] + [entry])).assert_violation(named, on=ACL)


def test_default_acl_and_acl_rule_block_too():
    run(POLICY, DEFAULT_ACL.replace(ingress=[OPEN_SSH])).assert_violation("ingress[0]", "22")
    run(POLICY, RULE.replace(from_port=3389, to_port=3389)).assert_violation("rule allows 0.0.0.0/0", "3389")
    run(POLICY, RULE.replace(egress=None, protocol="-1")).assert_violation("22, 3389")


def test_admin_ports_are_configurable():
    config = {"adminPorts": [5432]}
    run(POLICY, RULE.replace(from_port=5432, to_port=5432), config=config).assert_violation("5432")
    run(POLICY, RULE.replace(from_port=22, to_port=22), config=config).assert_clean()


def test_entry_that_is_not_an_object_blocks():
    record = ACL.set("ingress", ["0.0.0.0/0:22"])
    run(POLICY, record).assert_violation("ingress[0] is '0.0.0.0/0:22', not an ACL entry object")


def test_unknown_values_that_decide_are_deferred():
    run(POLICY, RULE.unknown("cidrBlock")).assert_deferred("cidrBlock")
    run(POLICY, RULE.replace(from_port=22, to_port=22).unknown("ruleAction")).assert_deferred("ruleAction")
    run(POLICY, ACL.unknown("ingress")).assert_deferred("ingress")
    run(POLICY, RULE.replace(cidr_block="10.0.0.0/8").unknown("fromPort")).assert_clean()


def test_known_violation_wins_over_an_unknown_entry():
    record = ACL.replace(ingress=[OPEN_SSH, HTTPS_IN]).unknown("ingress", 1)
    run(POLICY, record).assert_violation("ingress[0]")


def test_waiver_waives():
    record = RULE.replace(from_port=22, to_port=22)
    run(POLICY, record, waivers=[waiver(record, reason="Break-glass bastion subnet, SSH keys in HSM (SEC-7)")]).assert_waived()


def test_a_numeric_protocol_as_the_engine_sends_it_is_read():
    # Protobuf Struct carries numbers as floats: protocol 6 arrives as 6.0.
    record = ACL.set("ingress", [{"ruleNo": 100, "action": "allow", "protocol": 6, "fromPort": 22, "toPort": 22,
                                  "cidrBlock": "0.0.0.0/0"}])
    run(POLICY, record).assert_violation("ingress[0] allows 0.0.0.0/0 on administrative port(s) 22 (6)")


def test_finding_text_names_the_acl_every_internet_range_and_the_ports():
    entry = {**OPEN_SSH, "ipv6_cidr_block": "::/0"}
    result = run(POLICY, ACL.replace(ingress=[entry])).assert_violation(on=ACL)
    assert ("\nNetworkAcl 'public': ingress[0] allows 0.0.0.0/0, ::/0 on administrative port(s) 22 (tcp).\n"
            in result.violations[0][0])


def test_ports_that_are_not_numbers_cannot_be_read_and_block():
    record = ACL.set("ingress", [{"ruleNo": 100, "action": "allow", "protocol": "tcp", "fromPort": "22", "toPort": "22",
                                  "cidrBlock": "0.0.0.0/0", "ipv6CidrBlock": "::/0"}])
    run(POLICY, record).assert_violation("NetworkAcl 'public': ingress[0] allows 0.0.0.0/0, ::/0 with ports '22'-'22' "
                                         "that cannot be read")


def test_a_range_written_with_host_bits_is_still_the_internet_and_an_empty_one_is_not():
    run(POLICY, RULE.replace(cidr_block="10.0.0.0/0", from_port=22, to_port=22)).assert_violation("allows 10.0.0.0/0")
    empty = ACL.set("ingress", [{"ruleNo": 100, "action": "allow", "protocol": "tcp", "fromPort": 22, "toPort": 22,
                                 "cidrBlock": "10.8.0.0/16", "ipv6CidrBlock": ""}])
    run(POLICY, empty).assert_clean()


def test_each_unknown_that_decides_is_deferred_by_name():
    ssh = RULE.replace(from_port=22, to_port=22)
    cases = [
        (ACL.replace(ingress=[HTTPS_IN, OPEN_SSH]).unknown("ingress", 1), "NetworkAcl 'public': ingress[1] unknown at preview"),
        (ACL.unknown("ingress"), "NetworkAcl 'public': ingress unknown at preview"),
        (ssh.unknown("egress"), "NetworkAclRule 'https': egress unknown at preview"),
        (ssh.unknown("protocol"), "NetworkAclRule 'https': rule.protocol unknown at preview"),
        (ssh.unknown("fromPort"), "NetworkAclRule 'https': rule.fromPort unknown at preview"),
        (ssh.unknown("toPort"), "NetworkAclRule 'https': rule.toPort unknown at preview"),
    ]
    for record, message in cases:
        result = run(POLICY, record).assert_deferred()
        assert result.deferred[0]["message"] == message
