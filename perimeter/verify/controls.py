"""Metadata of the controls `perimeter verify` reports under.

A control the policy pack also enforces at preview takes the pack's own
metadata (`load_rules()`), so a description or a PCI DSS id lives in one place.
Controls only a live check can make are declared here (docs/CONTRACTS.md lists
their ids).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from perimeter_policies.pack import load_rules
from perimeter_policies.rule import DOCS_URL, Rule

from ..report import Control

VERIFY_DOCS_URL = DOCS_URL.replace("policies.md", "verify.md")


def _control(name: str, description: str, severity: str, pci_dss: tuple[str, ...], soc2: tuple[str, ...],
             remediation: str, url: str) -> Control:
    return Control(name=name, description=description, severity=severity, enforcement_level="mandatory",
                   pci_dss=pci_dss, soc2=soc2, remediation=remediation, url=url)


VERIFY_ONLY = {c.name: c for c in (
    _control("s3-bucket-versioning", "S3 buckets must have versioning enabled, so overwritten or deleted objects "
             "can be recovered.", "medium", ("10.3.3",), ("CC7.1", "A1.2"),
             "Add aws.s3.BucketVersioning with versioning_configuration status=\"Enabled\".", VERIFY_DOCS_URL),
    _control("s3-tls-only", "S3 bucket policies must deny every request that does not use TLS.", "high",
             ("4.2.1",), ("CC6.7",),
             "Add a bucket policy statement: Effect Deny, Principal \"*\", Action \"s3:*\", on the bucket and its "
             "objects, with Condition Bool aws:SecureTransport \"false\".", VERIFY_DOCS_URL),
    _control("s3-lifecycle-bounded", "S3 buckets must expire current and noncurrent objects within the retention "
             "bounds.", "medium", ("3.2.1", "10.5.1"), ("C1.2", "P4.2"),
             "Add aws.s3.BucketLifecycleConfiguration with expiration.days and "
             "noncurrent_version_expiration.noncurrent_days within the stack's retention bounds.", VERIFY_DOCS_URL),
    _control("s3-ownership-enforced", "S3 buckets must enforce bucket-owner object ownership (ACLs disabled).",
             "medium", ("7.2.1", "7.3.1"), ("CC6.1",),
             "Add aws.s3.BucketOwnershipControls with rule object_ownership=\"BucketOwnerEnforced\".",
             VERIFY_DOCS_URL),
    _control("cloudtrail-logging", "The CloudTrail trail must be logging now.", "critical",
             ("10.2.1", "10.2.1.2", "10.7.2"), ("CC7.2",),
             "Start the trail (aws cloudtrail start-logging) and find out who stopped it; keep "
             "enable_logging=True on aws.cloudtrail.Trail.", VERIFY_DOCS_URL),
    _control("bedrock-invocation-logging-configured", "Bedrock model-invocation logging must be on and write "
             "text data to the stack's KMS-encrypted bucket and log group.", "high", ("10.2.1",),
             ("CC7.2", "PI1.3"),
             "Apply aws.bedrockmodel.InvocationLoggingConfiguration with the stack's bucket and log group and "
             "text_data_delivery_enabled=True.", VERIFY_DOCS_URL),
    _control("bedrock-guardrail-live", "The Bedrock guardrail must be READY and have the numbered version the "
             "stack pins.", "high", ("6.4.2", "6.5.1"), ("CC8.1",),
             "Publish a version with aws.bedrock.GuardrailVersion and pin that version in the application.",
             VERIFY_DOCS_URL),
    _control("detection-services-enabled", "GuardDuty, AWS Config recording and Security Hub (with a standard) "
             "must be enabled in the stack's region.", "high", ("10.4.1.1", "11.5.1"), ("CC7.1", "CC7.2"),
             "Enable aws.guardduty.Detector, an aws.cfg.Recorder with aws.cfg.RecorderStatus is_enabled=True, and "
             "aws.securityhub.Account with an aws.securityhub.StandardsSubscription.", VERIFY_DOCS_URL),
)}

def _from_rule(rule: Rule) -> Control:
    return Control(name=rule.name, description=rule.description, severity=rule.severity,
                   enforcement_level=rule.enforcement_level, pci_dss=rule.pci_dss, soc2=rule.soc2,
                   remediation=rule.remediation, url=rule.url, resource_types=rule.resource_types,
                   scope=rule.scope)


@lru_cache(maxsize=1)
def _pack_rules() -> dict[str, Rule]:
    return {rule.name: rule for rule in load_rules()}


def control(name: str) -> Control:
    """The control's metadata: the pack's for a shared id, else verify's own. KeyError for an unknown id."""
    rule = _pack_rules().get(name)
    if rule is not None:
        return _from_rule(rule)
    return VERIFY_ONLY[name]


def pack_default(rule_name: str, key: str) -> Any:
    """A setting's default from the pack (e.g. the longest rotation period), so preview and verify agree."""
    return _pack_rules()[rule_name].default_config[key]
