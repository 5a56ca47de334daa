"""When some checks cannot reach AWS, the report is still written and there is no verdict (exit 2)."""

from __future__ import annotations

from botocore.exceptions import EndpointConnectionError

from perimeter.report import EXIT_NO_VERDICT, NOT_APPLICABLE
from perimeter.verify import run as verify_run
from perimeter.verify.run import VerifyOptions, run_verify


def test_unreachable_service_is_not_verifiable_and_the_run_has_no_verdict(compliant, monkeypatch):
    endpoint_url, outputs, path = compliant
    original = verify_run.make_session

    def kms_unreachable(connection):
        session = original(connection)

        def refuse(**_):
            raise EndpointConnectionError(endpoint_url="https://kms.eu-west-1.amazonaws.com/")
        session.events.register("before-send.kms", refuse)
        return session

    monkeypatch.setattr(verify_run, "make_session", kms_unreachable)
    report = run_verify(VerifyOptions("dev", str(path), None, endpoint_url))
    assert report.exit_code == EXIT_NO_VERDICT and report.no_verdict
    kms_rows = [e for e in report.evaluations if e.message.startswith("not verifiable: kms:")]
    assert kms_rows and all(e.status == NOT_APPLICABLE and "could not reach AWS" in e.message for e in kms_rows)
    # Everything else was still checked: the rest of the account is not silently skipped.
    assert any(e.status == "COMPLIANT" and e.type == "aws:s3/bucket:Bucket" for e in report.evaluations)
    assert report.blocking == []
