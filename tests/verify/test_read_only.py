"""verify never changes the account: the session refuses writes, and a full run only reads."""

from __future__ import annotations

import pytest

from perimeter.verify import run
from perimeter.verify.aws import READ_OPERATIONS, READ_VERBS, Connection, MutatingCallRefused, make_session

from .environment import BUCKETS, REGION


def test_a_mutating_call_is_refused_before_it_is_sent(compliant):
    endpoint_url, _, _ = compliant
    session = make_session(Connection(REGION, endpoint_url))
    sent = []
    session.events.register("before-send", lambda request, **_: sent.append(request.url))
    s3 = session.client("s3", endpoint_url=endpoint_url)
    with pytest.raises(MutatingCallRefused, match="s3:PutBucketVersioning"):
        s3.put_bucket_versioning(Bucket=BUCKETS["documents"], VersioningConfiguration={"Status": "Suspended"})
    assert sent == []
    assert s3.get_bucket_versioning(Bucket=BUCKETS["documents"])["Status"] == "Enabled"


def test_a_full_run_issues_only_read_operations(compliant, moto_gaps_answered, monkeypatch):
    endpoint_url, _, path = compliant
    issued = []
    answering_session = run.make_session  # moto's gaps answered, so every check runs

    def recording_session(connection):
        session = answering_session(connection)
        session.events.register("before-call", lambda model, **_: issued.append(
            (model.service_model.service_name, model.name)))
        return session

    monkeypatch.setattr(run, "make_session", recording_session)
    report = run.run_verify(run.VerifyOptions("dev", str(path), endpoint_url=endpoint_url))
    assert report.exit_code == 0
    assert len(set(issued)) >= 20  # the run really exercised the checks
    assert set(issued) <= set(READ_OPERATIONS)
    assert all(operation.startswith(READ_VERBS) for _, operation in issued)
