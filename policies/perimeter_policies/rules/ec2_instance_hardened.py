"""ec2-instance-hardened: instances use IMDSv2, an instance profile, no SSH key pair, detailed monitoring and one network interface.

Why: five defaults of EC2 weaken a host in the perimeter:
- the instance metadata service accepts IMDSv1 unless `http_tokens` is
  "required", so one server-side request forgery hands out the instance
  role's credentials (PCI DSS 2.2.1, 6.4.2; AWS Config EC2_IMDSV2_CHECK and
  AUTOSCALING_LAUNCHCONFIG_REQUIRES_IMDSV2);
- an instance without an instance profile gets credentials some other way,
  typically long-lived keys on disk (PCI DSS 8.6.2; EC2_INSTANCE_PROFILE_ATTACHED);
- a `key_name` installs a shared SSH key pair: a generic credential outside
  IAM and its audit trail (PCI DSS 8.2.2; EC2_NO_AMAZON_KEY_PAIR). Use SSM
  Session Manager instead;
- without detailed monitoring CloudWatch samples the host every five minutes,
  too coarse to see a spike of scanning or exfiltration as it happens
  (PCI DSS 10.2.1, SOC 2 CC7.2; EC2_INSTANCE_DETAILED_MONITORING_ENABLED):
  `monitoring` defaults to false on an instance and `monitoring.enabled` is
  unset on a launch template; a launch configuration's `enable_monitoring`
  defaults to true, so only false is a finding there;
- a second network interface puts one host in two subnets, often two security
  zones, bridging the segmentation the perimeter relies on (PCI DSS 1.3.1;
  EC2_INSTANCE_MULTIPLE_ENI_CHECK): more than one entry in an instance's
  `network_interfaces`, any `secondary_network_interfaces`, and every
  `aws.ec2.NetworkInterfaceAttachment` (which can only add an interface to a
  running instance; its primary one exists from launch) are findings.
Covered: `aws.ec2.Instance` (all five), `aws.ec2.LaunchTemplate` and
`aws.ec2.LaunchConfiguration` (IMDSv2, key pairs, monitoring; the profile may
come from where the template is used) and `aws.ec2.NetworkInterfaceAttachment`.
Values unknown at preview are deferred.
"""

from __future__ import annotations

from ..model import ResourceView, Violation, is_unknown
from ..rule import Rule
from ._findings import describe, settle

INSTANCE = "aws:ec2/instance:Instance"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
LAUNCH_CONFIGURATION = "aws:ec2/launchConfiguration:LaunchConfiguration"
INTERFACE_ATTACHMENT = "aws:ec2/networkInterfaceAttachment:NetworkInterfaceAttachment"
# Type -> where detailed monitoring is switched on, and its value when absent.
MONITORING = {
    INSTANCE: (("monitoring",), False),
    LAUNCH_TEMPLATE: (("monitoring", "enabled"), None),
    LAUNCH_CONFIGURATION: (("enableMonitoring",), True),
}


def _text_set(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _monitoring(resource: ResourceView, problems: list, unknowns: list) -> None:
    path, default = MONITORING[resource.type]
    value = resource.get(*path)
    field = ".".join(path)
    if is_unknown(value):
        unknowns.append(field)
    elif (default if value is None else value) is not True:
        shown = "not set (basic five-minute monitoring)" if value is None else repr(value)
        problems.append(f"{field} is {shown}, must be true (detailed monitoring)")


def _interfaces(instance: ResourceView, problems: list, unknowns: list) -> None:
    for field, allowed in (("networkInterfaces", 1), ("secondaryNetworkInterfaces", 0)):
        interfaces = instance.get(field)
        if is_unknown(interfaces):
            unknowns.append(field)
        elif isinstance(interfaces, list) and len(interfaces) > allowed:
            problems.append(f"{field} declares {len(interfaces)} interface(s), so the instance has more than one "
                            "network interface; use one interface per instance")


def check(resource: ResourceView, config):
    problems, unknowns = [], []
    if resource.type == INTERFACE_ATTACHMENT:
        yield Violation(f"{describe(resource)}: attaches a second network interface to a running instance; use one "
                        "interface per instance.")
        return
    tokens = resource.get("metadataOptions", "httpTokens")
    if is_unknown(tokens):
        unknowns.append("metadataOptions.httpTokens")
    elif tokens != "required":
        shown = "not set (IMDSv1 allowed)" if tokens is None else repr(tokens)
        problems.append(f"metadataOptions.httpTokens is {shown}, must be 'required' (IMDSv2)")
    key_name = resource.get("keyName")
    if is_unknown(key_name):
        unknowns.append("keyName")
    elif _text_set(key_name):
        problems.append(f"keyName is {key_name!r}: an SSH key pair is a shared credential; use SSM Session Manager")
    _monitoring(resource, problems, unknowns)
    if resource.type == INSTANCE:
        _interfaces(resource, problems, unknowns)
        profile = resource.get("iamInstanceProfile")  # unknown at preview: an instance profile's output, so set
        if not is_unknown(profile) and not _text_set(profile):
            problems.append("iamInstanceProfile is not set, so the instance's AWS credentials come from elsewhere")
    yield from settle(problems, unknowns, subject=describe(resource))


RULE = Rule(
    name="ec2-instance-hardened",
    description="EC2 instances, launch templates and launch configurations require IMDSv2, use no SSH key pair and "
                "enable detailed monitoring; instances have an instance profile and a single network interface.",
    severity="high",
    pci_dss=("1.3.1", "2.2.1", "6.4.2", "8.2.2", "8.6.2", "10.2.1"),
    soc2=("CC6.1", "CC6.8", "CC7.2"),
    remediation=("Set metadata_options={'http_tokens': 'required', 'http_endpoint': 'enabled'}, remove key_name "
                 "(connect with SSM Session Manager), enable detailed monitoring (monitoring=True on aws.ec2.Instance, "
                 "monitoring={'enabled': True} on aws.ec2.LaunchTemplate), set iam_instance_profile on "
                 "aws.ec2.Instance, and give each instance one network interface (no "
                 "aws.ec2.NetworkInterfaceAttachment)."),
    check=check,
    resource_types=(INSTANCE, LAUNCH_TEMPLATE, LAUNCH_CONFIGURATION, INTERFACE_ATTACHMENT),
    violation_example='aws.ec2.Instance("worker", ami="ami-0abc", instance_type="t3.micro", key_name="ops")',
)
