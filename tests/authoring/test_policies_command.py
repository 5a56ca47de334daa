"""`perimeter policies`: the listing and its filters, through the CLI's own entry point."""

import json

import pytest
from perimeter_policies.inventory import pack_version
from perimeter_policies.pack import load_rules

from perimeter.cli import main

RULES = load_rules()


def listing(capsys, *args):
    code = main(["policies", "--format", "json", *args])
    assert code == 0
    return json.loads(capsys.readouterr().out)


def test_unfiltered_lists_every_policy_with_its_metadata(capsys):
    rows = listing(capsys)
    assert [r["name"] for r in rows] == [r.name for r in RULES]
    row = next(r for r in rows if r["name"] == "kms-key-rotation-enabled")
    assert row["severity"] == "high" and row["enforcementLevel"] == "mandatory" and row["waivable"] is True
    assert row["resourceTypes"] == ["aws:kms/key:Key"] and "3.7.4" in row["pciDss"] and "CC6.1" in row["soc2"]


def test_type_filter_lists_the_rules_that_evaluate_or_read_it_and_the_properties(capsys):
    rows = listing(capsys, "--type", "aws:sqs/queue:Queue")
    names = {r["name"] for r in rows}
    assert {"cmk-encryption-at-rest", "approved-regions"} <= names
    assert names == {r.name for r in RULES if r.applies_to("aws:sqs/queue:Queue")} | {
        r["name"] for r in rows if r["reads"]}
    cmk = next(r for r in rows if r["name"] == "cmk-encryption-at-rest")
    assert "kmsMasterKeyId" in cmk["reads"]["aws:sqs/queue:Queue"]
    assert all(set(r["reads"]) <= {"aws:sqs/queue:Queue"} for r in rows)


@pytest.mark.parametrize("args, pci, soc2", [
    (["--framework", "pci-dss:3.7.4"], "3.7.4", None),
    (["--pci", "3.7.4"], "3.7.4", None),
    (["--soc2", "CC6.6"], None, "CC6.6"),
    (["--framework", "soc2:CC6.6"], None, "CC6.6"),
])
def test_framework_filters(capsys, args, pci, soc2):
    rows = listing(capsys, *args)
    expected = [r.name for r in RULES if (pci is None or pci in r.pci_dss) and (soc2 is None or soc2 in r.soc2)]
    assert expected and [r["name"] for r in rows] == expected


def test_text_names_the_pack_version_and_count(capsys):
    assert main(["policies", "--type", "aws:kms/key:Key"]) == 0
    out = capsys.readouterr().out
    count = sum(1 for r in RULES if r.applies_to("aws:kms/key:Key"))
    assert out.startswith(f"perimeter@v{pack_version()}: ")
    assert "kms-key-rotation-enabled  [high, mandatory, resource, waivable]" in out
    assert "reads aws:kms/key:Key: " in out and count >= 2


@pytest.mark.parametrize("args, problem", [
    (["--framework", "pci-dss:99.9"], "pci-dss:99.9 not in the framework catalogue"),
    (["--soc2", "CC42"], "soc2:CC42 not in the framework catalogue"),
    (["--framework", "hipaa:1"], "write pci-dss:<requirement> or soc2:<criterion>"),
    (["--type", "Queue"], "is not a resource type token"),
    (["--format", "yaml"], "invalid choice"),
])
def test_bad_filters_are_one_line_and_exit_2(capsys, args, problem):
    assert main(["policies", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and problem in captured.err
