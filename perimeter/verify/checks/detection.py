"""Detection services: GuardDuty, AWS Config and Security Hub are on in the stack's region."""

from __future__ import annotations

from ..outputs import CONFIG_RECORDER, GUARDDUTY, SECURITY_HUB
from . import check

CONTROL = "detection-services-enabled"
ENABLED, READY = "ENABLED", "READY"
NOT_SUBSCRIBED = frozenset({"InvalidAccessException", "ResourceNotFoundException"})


@check(CONTROL, GUARDDUTY)
def guardduty_enabled(reader, target):
    detectors = reader.call("guardduty", "ListDetectors", paginate=True)["DetectorIds"]
    statuses = [reader.call("guardduty", "GetDetector", DetectorId=d).get("Status") for d in detectors]
    if ENABLED not in statuses:
        yield f"GuardDuty has no enabled detector in {reader.connection.region}."


@check(CONTROL, CONFIG_RECORDER)
def config_recording(reader, target):
    recorders = reader.call("config", "DescribeConfigurationRecorderStatus")["ConfigurationRecordersStatus"]
    if not any(r.get("recording") for r in recorders):
        yield f"AWS Config has no recorder recording in {reader.connection.region}."


@check(CONTROL, SECURITY_HUB)
def security_hub_enabled_with_standards(reader, target):
    hub = reader.call("securityhub", "DescribeHub", absent=NOT_SUBSCRIBED)
    if hub is None:
        yield f"Security Hub is not enabled in {reader.connection.region}."
        return
    subscriptions = reader.call("securityhub", "GetEnabledStandards", paginate=True)["StandardsSubscriptions"]
    if not any(s.get("StandardsStatus") == READY for s in subscriptions):
        yield "Security Hub is enabled but no security standard is enabled and ready."
