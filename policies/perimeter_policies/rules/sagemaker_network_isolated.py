"""sagemaker-network-isolated: SageMaker notebooks, models and domains stay off the internet.

Why: a SageMaker notebook is a root shell next to training data and model
artefacts. AWS defaults make it an internet-connected machine: notebook
`direct_internet_access` defaults to Enabled (traffic bypasses the VPC, its
security groups and flow logs) and `root_access` to Enabled (any user can
change the instance and its controls). Models serve containers that, without
`enable_network_isolation`, can call out to anywhere with the data they are
given; Studio domains default `app_network_access_type` to
PublicInternetOnly. That is exfiltration paths around the perimeter
(PCI DSS 1.3.1, 1.3.2, 1.4.4, 7.2.1; AWS Config
SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS). Required:
- notebook instances: `direct_internet_access="Disabled"`,
  `root_access="Disabled"` and a `subnet_id` (its VPC);
- models: `enable_network_isolation=True`;
- domains: `app_network_access_type="VpcOnly"`.
"""

from __future__ import annotations

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, require_setting, settle

NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance"
MODEL = "aws:sagemaker/model:Model"
DOMAIN = "aws:sagemaker/domain:Domain"
# Type -> (wire name, required value, AWS default when absent, why).
REQUIRED = {
    NOTEBOOK: (("directInternetAccess", "Disabled", "Enabled", "traffic leaves through SageMaker's own internet path"),
               ("rootAccess", "Disabled", "Enabled", "notebook users can change the instance and its controls")),
    MODEL: (("enableNetworkIsolation", True, False, "its containers can call out with the data they are given"),),
    DOMAIN: (("appNetworkAccessType", "VpcOnly", "PublicInternetOnly", "Studio apps reach the internet directly"),),
}


def check(resource: ResourceView, config):
    problems, unknowns = [], []
    for field, required, default, why in REQUIRED[resource.type]:
        require_setting(resource, field, required, default, why, problems, unknowns)
    if resource.type == NOTEBOOK:
        subnet = resource.get("subnetId")
        if not is_unknown(subnet) and not (isinstance(subnet, str) and subnet.strip()):
            problems.append("subnetId is not set, so the notebook is not in the VPC")
    yield from settle(problems, unknowns, subject=describe(resource))


RULE = Rule(
    name="sagemaker-network-isolated",
    description=("SageMaker notebooks have no direct internet access or root access and run in a subnet; models "
                 "use network isolation; Studio domains are VPC-only."),
    severity="high",
    pci_dss=("1.3.1", "1.3.2", "1.4.4", "7.2.1"),
    soc2=("CC6.1", "CC6.6"),
    remediation=("On aws.sagemaker.NotebookInstance set direct_internet_access='Disabled', root_access='Disabled' and "
                 "subnet_id (with security_groups); on aws.sagemaker.Model set enable_network_isolation=True; on "
                 "aws.sagemaker.Domain set app_network_access_type='VpcOnly'."),
    check=check,
    resource_types=tuple(REQUIRED),
    violation_example='aws.sagemaker.NotebookInstance("research", role_arn=role.arn, instance_type="ml.t3.medium")',
)
