"""The facts verify shares with the rest of the project stay in one place."""

from __future__ import annotations

import json
import os
import re

from perimeter_policies.frameworks import PCI_DSS, SOC2
from perimeter_policies.pack import load_rules

from perimeter.verify import run
from perimeter.verify.aws import iam_policy_document
from perimeter.verify.checks import all_checks
from perimeter.verify.controls import VERIFY_ONLY, control

from .environment import ACCOUNT, BUCKETS, REGION, STACK

DOCS = os.path.join(os.path.dirname(__file__), "..", "..", "docs")


def test_verify_only_ids_are_the_contracts_list_and_shared_ids_come_from_the_pack():
    contracts = open(os.path.join(DOCS, "CONTRACTS.md"), encoding="utf-8").read()
    listed = contracts.split("Checks that only `perimeter verify` can make", 1)[1].split("\n\n", 1)[0]
    assert set(VERIFY_ONLY) == set(re.findall(r"`([a-z0-9-]+)`", listed)) - {"perimeter verify"}
    pack = {rule.name: rule for rule in load_rules()}
    assert not set(VERIFY_ONLY) & set(pack)
    for name in {c.control for c in all_checks()} - set(VERIFY_ONLY):
        assert control(name).pci_dss == pack[name].pci_dss and control(name).description == pack[name].description


def test_verify_only_controls_cite_catalogued_requirements():
    for meta in VERIFY_ONLY.values():
        assert meta.pci_dss and set(meta.pci_dss) <= set(PCI_DSS), meta.name
        assert meta.soc2 and set(meta.soc2) <= set(SOC2), meta.name


def test_docs_iam_policy_lists_exactly_the_read_actions_verify_uses():
    text = open(os.path.join(DOCS, "verify.md"), encoding="utf-8").read()
    block = text.split("<!-- iam-policy:begin -->", 1)[1].split("<!-- iam-policy:end -->", 1)[0]
    document = json.loads(block.strip().removeprefix("```json").removesuffix("```"))
    assert document == iam_policy_document()


def test_without_outputs_resources_are_discovered_by_stack_tag(compliant):
    endpoint_url, outputs, _ = compliant
    report = run.run_verify(run.VerifyOptions(STACK, region=REGION, endpoint_url=endpoint_url))
    found = {r.urn for r in report.resources}
    assert set(outputs["kmsKeyArns"].values()) <= found
    assert {f"arn:aws:s3:::{bucket}" for bucket in BUCKETS.values()} <= found
    assert report.extra["accountId"] == ACCOUNT
