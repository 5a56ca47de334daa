"""SARIF 2.1.0, as GitHub code scanning and other SARIF viewers accept it."""

import json

LEVELS = {"mandatory": "error", "remediate": "error", "advisory": "warning", "waived": "note"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "": "5.0"}


def render(report) -> str:
    rules = []
    index = {}
    for control in report.controls:
        index[control.name] = len(rules)
        rules.append({
            "id": control.name,
            "name": control.name,
            "shortDescription": {"text": control.description},
            "fullDescription": {"text": control.description},
            "help": {"text": control.remediation or control.description},
            "helpUri": control.url or None,
            "properties": {"tags": ["security", *control.frameworks],
                           "security-severity": SECURITY_SEVERITY.get(control.severity, "5.0")},
        })
    results = []
    for f in report.findings:
        result = {
            "ruleId": f.policy,
            "level": LEVELS.get(f.enforcement_level, "warning"),
            "message": {"text": f.message},
            "locations": [{"logicalLocations": [{"fullyQualifiedName": f.urn, "kind": "resource"}],
                           "physicalLocation": {"artifactLocation": {"uri": "Pulumi.yaml"},
                                                "region": {"startLine": 1}}}],
            "partialFingerprints": {"perimeterFinding/v1": f"{f.policy}|{f.urn}"},
            "properties": {"phase": f.phase, "frameworks": list(f.frameworks)},
        }
        if f.policy in index:
            result["ruleIndex"] = index[f.policy]
        if f.waiver:
            result["suppressions"] = [{"kind": "external", "status": "accepted",
                                       "justification": f"{f.waiver['reason']} (approver {f.waiver['approver']}, expires {f.waiver['expires']})"}]
        results.append(result)
    for rule in rules:
        if rule["helpUri"] is None:
            del rule["helpUri"]
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "perimeter", "informationUri": "https://github.com/perimeter-dev/perimeter",
                                "version": report.pack_version, "rules": rules}},
            "results": results,
            # A run without a verdict did not succeed, whatever its results say.
            "invocations": [{"executionSuccessful": not report.no_verdict,
                             **({"toolExecutionNotifications": [{"level": "error", "message": {
                                 "text": f"no verdict: {report.no_verdict}"}}]} if report.no_verdict else {})}],
            "properties": {"project": report.project, "stack": report.stack, "command": report.command},
        }],
    }
    return json.dumps(document, indent=2) + "\n"
