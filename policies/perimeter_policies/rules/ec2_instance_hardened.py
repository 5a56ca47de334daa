"""ec2-instance-hardened: instances use IMDSv2, an instance profile and no SSH key pair.

Why: three defaults of EC2 weaken a host in the perimeter:
- the instance metadata service accepts IMDSv1 unless `http_tokens` is
  "required", so one server-side request forgery hands out the instance
  role's credentials (PCI DSS 2.2.1, 6.4.2; AWS Config EC2_IMDSV2_CHECK and
  AUTOSCALING_LAUNCHCONFIG_REQUIRES_IMDSV2);
- an instance without an instance profile gets credentials some other way,
  typically long-lived keys on disk (PCI DSS 8.6.2; EC2_INSTANCE_PROFILE_ATTACHED);
- a `key_name` installs a shared SSH key pair: a generic credential outside
  IAM and its audit trail (PCI DSS 8.2.2; EC2_NO_AMAZON_KEY_PAIR). Use SSM
  Session Manager instead.
Covered: `aws.ec2.Instance` (all three), `aws.ec2.LaunchTemplate` and
`aws.ec2.LaunchConfiguration` (IMDSv2 and key pairs; the profile may come from
where the template is used). Values unknown at preview are deferred.
"""

from __future__ import annotations

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, settle

INSTANCE = "aws:ec2/instance:Instance"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
LAUNCH_CONFIGURATION = "aws:ec2/launchConfiguration:LaunchConfiguration"


def _text_set(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def check(resource: ResourceView, config):
    problems, unknowns = [], []
    tokens = resource.get("metadataOptions", "httpTokens")
    if is_unknown(tokens) or is_unknown(resource.get("metadataOptions")):
        unknowns.append("metadataOptions.httpTokens")
    elif tokens != "required":
        shown = "not set (IMDSv1 allowed)" if tokens is None else repr(tokens)
        problems.append(f"metadataOptions.httpTokens is {shown}, must be 'required' (IMDSv2)")
    key_name = resource.get("keyName")
    if is_unknown(key_name):
        unknowns.append("keyName")
    elif _text_set(key_name):
        problems.append(f"keyName is {key_name!r}: an SSH key pair is a shared credential; use SSM Session Manager")
    if resource.type == INSTANCE:
        profile = resource.get("iamInstanceProfile")  # unknown at preview: an instance profile's output, so set
        if not is_unknown(profile) and not _text_set(profile):
            problems.append("iamInstanceProfile is not set, so the instance's AWS credentials come from elsewhere")
    yield from settle(problems, unknowns, subject=describe(resource))


RULE = Rule(
    name="ec2-instance-hardened",
    description="EC2 instances, launch templates and launch configurations require IMDSv2, use no SSH key pair, "
                "and instances have an instance profile.",
    severity="high",
    pci_dss=("2.2.1", "6.4.2", "8.2.2", "8.6.2"),
    soc2=("CC6.1", "CC6.8"),
    remediation=("Set metadata_options={'http_tokens': 'required', 'http_endpoint': 'enabled'}, remove key_name "
                 "(connect with SSM Session Manager), and set iam_instance_profile on aws.ec2.Instance."),
    check=check,
    resource_types=(INSTANCE, LAUNCH_TEMPLATE, LAUNCH_CONFIGURATION),
    violation_example='aws.ec2.Instance("worker", ami="ami-0abc", instance_type="t3.micro", key_name="ops")',
)
