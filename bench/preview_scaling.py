"""How `perimeter preview` scales, measured as ratios in one run (never a timed test).

    .venv/bin/python -m bench.preview_scaling [--sizes 100 1000 5000]

For each N: a synthetic program of N resources spanning the pack's resource
types runs under the mock runtime (preview phase), then every resource goes
through `Analyze` and the stack through `AnalyzeStack`, once with our pack and
once with a same-size pack of no-op policies driven the same way (the SDK's
floor). Finally the reference stack's full two-phase preview is timed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import textwrap
import time

from perimeter_policies.pack import load_rules

from perimeter.engine.analyzer import PolicyPackProcess
from perimeter.engine.preview import PreviewOptions, run_preview
from perimeter.harness.project import load_project
from perimeter.harness.runner import run_phases

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# One "unit" registers 10 resources covering buckets and their satellites, keys,
# log groups, a security group, a Bedrock endpoint and a versioned guardrail.
SYNTHETIC_PROGRAM = textwrap.dedent('''
    import json
    import pulumi
    import pulumi_aws as aws

    units = pulumi.Config("bench").require_int("units")
    for i in range(units):
        key = aws.kms.Key(f"key-{i}", enable_key_rotation=True)
        bucket = aws.s3.Bucket(f"bucket-{i}")
        aws.s3.BucketServerSideEncryptionConfiguration(f"sse-{i}", bucket=bucket.id, rules=[{
            "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn}}])
        aws.s3.BucketPublicAccessBlock(f"pab-{i}", bucket=bucket.id, block_public_acls=True, block_public_policy=True,
                                       ignore_public_acls=True, restrict_public_buckets=True)
        aws.s3.BucketPolicy(f"policy-{i}", bucket=f"fixed-{i}", policy=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": f"arn:aws:s3:::fixed-{i}/*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
        aws.cloudwatch.LogGroup(f"logs-{i}", kms_key_id=key.arn, retention_in_days=90)
        aws.ec2.SecurityGroup(f"sg-{i}", vpc_id="vpc-123", ingress=[{"protocol": "tcp", "from_port": 443,
                              "to_port": 443, "cidr_blocks": ["10.0.0.0/16"]}])
        aws.ec2.VpcEndpoint(f"vpce-{i}", vpc_id="vpc-123", service_name="com.amazonaws.eu-west-1.bedrock-runtime",
                            vpc_endpoint_type="Interface", private_dns_enabled=True, policy=json.dumps({
                                "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/app"},
                                               "Action": "bedrock:InvokeModel", "Resource": "*"}]}))
        guardrail = aws.bedrock.Guardrail(f"guardrail-{i}", name=f"g{i}", kms_key_arn=key.arn,
            blocked_input_messaging="no", blocked_outputs_messaging="no",
            sensitive_information_policy_config={"pii_entities_configs": [{"type": "CREDIT_DEBIT_CARD_NUMBER",
                "action": "BLOCK", "input_action": "BLOCK", "output_action": "BLOCK"}]})
        aws.bedrock.GuardrailVersion(f"guardrail-version-{i}", guardrail_arn=guardrail.guardrail_arn)
''')
RESOURCES_PER_UNIT = 10


def _noop_pack(directory: str) -> str:
    """A pack with as many policies as ours, same scopes, each doing nothing."""
    rules = load_rules()
    with open(os.path.join(directory, "PulumiPolicy.yaml"), "w") as handle:
        handle.write("runtime: python\nversion: 0.0.1\n")
    with open(os.path.join(directory, "__main__.py"), "w") as handle:
        handle.write(textwrap.dedent(f'''
            from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy, StackValidationPolicy
            scopes = {[r.scope for r in rules]!r}
            policies = [StackValidationPolicy(name=f"noop-{{i}}", description="no-op", validate=lambda args, report: None)
                        if scope == "stack" else
                        ResourceValidationPolicy(name=f"noop-{{i}}", description="no-op", validate=lambda args, report: None)
                        for i, scope in enumerate(scopes)]
            PolicyPack(name="noop", enforcement_level=EnforcementLevel.MANDATORY, policies=policies)
        '''))
    return directory


def _synthetic_project(directory: str, resources: int) -> str:
    with open(os.path.join(directory, "Pulumi.yaml"), "w") as handle:
        handle.write("name: bench\nruntime: python\n")
    with open(os.path.join(directory, "Pulumi.bench.yaml"), "w") as handle:
        handle.write(f"config:\n  aws:region: eu-west-1\n  bench:units: {max(1, resources // RESOURCES_PER_UNIT)}\n")
    with open(os.path.join(directory, "__main__.py"), "w") as handle:
        handle.write(SYNTHETIC_PROGRAM)
    return directory


def _repeats(resources: int) -> int:
    """Small runs are repeated (best of) so timer noise does not swamp a 0.1 s measurement."""
    return max(3, min(30, 10_000 // max(resources, 1)))


def _analyze_seconds(pack_dir: str, resources: list) -> tuple[float, float]:
    """(Analyze over every resource, AnalyzeStack): best of a few rounds in one pack process."""
    with PolicyPackProcess(pack_dir, project="bench", stack="bench") as pack:
        pack.configure(pack.info(), {})
        per_resource, stack = [], []
        for _ in range(_repeats(len(resources))):
            started = time.perf_counter()
            for resource in resources:
                pack.analyze(resource)
            per_resource.append(time.perf_counter() - started)
            started = time.perf_counter()
            pack.analyze_stack(resources)
            stack.append(time.perf_counter() - started)
        return min(per_resource), min(stack)


def measure(sizes: list[int]) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as noop_dir:
        noop = _noop_pack(noop_dir)
        for size in sizes:
            with tempfile.TemporaryDirectory() as project_dir:
                project = load_project(_synthetic_project(project_dir, size), "bench")
                started = time.perf_counter()
                capture = run_phases(project, ("preview",), timeout=1800)["preview"]
                program = time.perf_counter() - started
            per_resource, stack = _analyze_seconds(os.path.join(ROOT, "policies"), capture.resources)
            floor_per_resource, floor_stack = _analyze_seconds(noop, capture.resources)
            analyze, count = per_resource + stack, len(capture.resources)
            rows.append({"n": size, "resources": count, "program_s": program, "analyze_s": analyze,
                         "total_s": program + analyze, "per_second": count / per_resource,
                         "vs_noop": analyze / (floor_per_resource + floor_stack), "per_resource_s": per_resource,
                         "stack_s": stack, "floor_stack_s": floor_stack})
    return rows


def reference_preview_seconds(stack: str = "dev") -> float:
    started = time.perf_counter()
    run_preview(PreviewOptions(ROOT, stack, os.path.join(ROOT, "policies")))
    return time.perf_counter() - started


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    args = parser.parse_args(argv)
    rows = measure(args.sizes)
    print("| N | resources | program s | analyze s (Analyze + AnalyzeStack) | total s | resources/s (Analyze) "
          "| pack / no-op floor |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['n']} | {r['resources']} | {r['program_s']:.2f} | {r['analyze_s']:.2f} ({r['per_resource_s']:.2f} + "
              f"{r['stack_s']:.2f}) | {r['total_s']:.2f} | {r['per_second']:.0f} | {r['vs_noop']:.2f}x |")
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        growth = lambda key: last[key] / first[key]  # noqa: E731
        print(f"\ngrowth {first['n']} -> {last['n']} ({last['resources'] / first['resources']:.0f}x the resources; "
              f"target: analyze at most 55x): analyze {growth('analyze_s'):.1f}x = Analyze {growth('per_resource_s'):.1f}x, "
              f"AnalyzeStack {growth('stack_s'):.1f}x (no-op floor's AnalyzeStack: {growth('floor_stack_s'):.1f}x)")
    print(f"reference dev stack, full two-phase preview: {reference_preview_seconds():.2f} s (target < 10 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
