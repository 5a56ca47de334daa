"""`perimeter`: preview (offline policy gate), evidence (audit pack), verify (live drift).

Exit codes: 0 no mandatory violation; 1 at least one; 2 no verdict (bad input,
program failure, pack failure, timeout, interruption). Errors are one line on
stderr; a failing program also gets its own traceback, never ours.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import Callable, Iterator, Optional

from .errors import HarnessError, ProgramError, UsageError
from .inputs import REGION_PATTERN, bounded_number, evaluation_time, matching
from .render import FORMATS, render
from .report import EXIT_NO_VERDICT

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_PACK = os.path.join(REPO_ROOT, "policies")
LONG_RUN = 500  # resources; above this, progress goes to stderr even off a terminal
QUIET_SECONDS = 10.0  # off a terminal, a run silent this long says where it is


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 too, but with a usage dump
        raise UsageError(f"{message} (see `perimeter {self.prog.split()[-1]} --help`)")


def _emit(text: str, output: Optional[str]) -> None:
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)


@contextlib.contextmanager
def _progress(enabled: bool) -> Iterator[Optional[Callable[[str, int, int], None]]]:
    """Progress on stderr: a live bar on a terminal; elsewhere a line per LONG_RUN items or QUIET_SECONDS."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    if not console.is_terminal:
        import time

        last = [time.monotonic()]

        def log(phase: str, done: int, total: int) -> None:
            if (total >= LONG_RUN and (done == total or done % LONG_RUN == 0)) \
                    or time.monotonic() - last[0] >= QUIET_SECONDS:
                last[0] = time.monotonic()
                console.print(f"{_activity(phase)}: {done}/{total}")
        yield log
        return
    with Progress(console=console, transient=True) as bar:
        tasks: dict[str, int] = {}

        def update(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(_activity(phase), total=total)
            bar.update(tasks[phase], completed=done)
        yield update


def _activity(phase: str) -> str:
    return "verify (checks)" if phase == "verify" else f"analyze ({phase}, resources)"


def _add_program_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", default="dev", help="stack name (default: dev)")
    parser.add_argument("--cwd", default=REPO_ROOT, help="Pulumi Python project directory (default: this repo)")
    parser.add_argument("--policy-pack", default=DEFAULT_PACK, help="policy pack directory (default: this repo's policies/)")
    parser.add_argument("--policy-config", help="policy config JSON, the `pulumi preview --policy-pack-config` format")
    parser.add_argument("--timeout", type=bounded_number(above=0, at_most=86400, unit="seconds"), default=300.0,
                        metavar="SECONDS",
                        help="longest a program run may take, per phase (default: 300)")


def _preview(args) -> int:
    from .engine.preview import PreviewOptions, run_preview
    from .harness.runner import PHASES

    phases = PHASES if args.phase == "both" else (args.phase,)
    options = PreviewOptions(args.cwd, args.stack, args.policy_pack, args.policy_config, phases, args.timeout)
    with _progress(args.format == "text") as progress:
        report = run_preview(options, progress)
    _emit(render(report, args.format), args.output)
    return report.exit_code


def _git_commit(directory: str) -> str:
    import subprocess

    result = subprocess.run(["git", "-C", directory, "rev-parse", "HEAD"], capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else "unknown (not a git checkout)"


def _evidence(args) -> int:
    from .engine.analyzer import load_policy_config
    from .engine.preview import PreviewOptions, run_preview
    from .evidence.governance import governance_supplement
    from .evidence.operation import history_supplement, load_verify_report, operation_supplement
    from .evidence.outdir import check_out_dir
    from .evidence.writer import write_evidence

    generated_at = evaluation_time()  # the one clock: the pack's waiver decisions read the same instant
    check_out_dir(args.out)  # before the run: a directory we would not replace is bad input
    if args.since and not args.history:
        raise UsageError("--since applies to --history only: add --history DIR or drop --since")
    live = [load_verify_report(args.verify_report, args.stack)] if args.verify_report else []
    history = [history_supplement(args.history, args.stack, args.since)] if args.history else []
    options = PreviewOptions(args.cwd, args.stack, args.policy_pack, args.policy_config, timeout=args.timeout)
    with _progress(True) as progress:
        report = run_preview(options, progress)
    governance = governance_supplement(report, generated_at=generated_at, project_dir=args.cwd)
    files = write_evidence(report, load_policy_config(args.policy_config), args.out,
                           generated_at=generated_at, commit=_git_commit(args.cwd),
                           supplements=(governance, *(operation_supplement(report, v) for v in live), *history))
    s = report.summary()
    sys.stderr.write(f"perimeter: wrote {len(files) + 1} files to {args.out} ({s['resources']} resources, "
                     f"{s['mandatory']} mandatory, {s['waived']} waived)\n")
    if not any(name.endswith(".svg") for name in files):
        sys.stderr.write("perimeter: diagrams written as Mermaid only: Graphviz `dot` is not installed (no SVG)\n")
    return report.exit_code


def _verify(args) -> int:
    from .verify.run import VerifyOptions, exit_code, run_verify

    with _progress(not args.quiet) as progress:
        report = run_verify(VerifyOptions(args.stack, args.outputs, args.region, args.endpoint_url), progress)
    _emit(render(report, args.format), args.output)
    code = exit_code(report, args.strict)
    if args.record:
        from .verify.record import append_record

        sys.stderr.write(f"perimeter: recorded this run as {append_record(args.record, report)}\n")
    if report.no_verdict:
        sys.stderr.write(f"perimeter: no verdict: {report.no_verdict}; exit {code}"
                         f"{' (--strict)' if code != EXIT_NO_VERDICT else ''}: see the report's not-verifiable rows\n")
    return code


def _evaluate(args) -> int:
    from .evaluate.run import EvaluateOptions, run_evaluate

    if args.end_to_end and not args.live:
        raise UsageError("--end-to-end needs --live: it invokes the deployed assistant")
    if not args.live and (args.outputs or args.endpoint_url or args.region):
        raise UsageError("--outputs, --region and --endpoint-url apply to --live only; add --live or drop them")
    options = EvaluateOptions(args.stack, args.cwd, args.live, args.end_to_end, args.outputs, args.region,
                              args.endpoint_url, args.record)
    with _progress(args.live and args.format == "text") as progress:
        report, record = run_evaluate(options, evaluation_time(), progress)
    _emit(render(report, args.format), args.output)
    if record:
        sys.stderr.write(f"perimeter: wrote the {'live' if args.live else 'offline'} evaluation record {record}\n")
    elif args.record:
        sys.stderr.write(f"perimeter: no record written: {report.no_verdict}\n")
    return report.exit_code


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="perimeter", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    preview = commands.add_parser("preview", help="enforce the policy pack on a Pulumi program, offline")
    _add_program_args(preview)
    preview.add_argument("--phase", choices=("preview", "update", "both"), default="both")
    preview.add_argument("--format", choices=FORMATS, default="text")
    preview.add_argument("--output", help="write the report here instead of stdout")
    preview.set_defaults(run=_preview)

    evidence = commands.add_parser("evidence", help="write the audit evidence pack for a stack")
    _add_program_args(evidence)
    evidence.add_argument("--out", required=True,
                          help="directory for the evidence pack: empty, or a previous pack (replaced whole)")
    evidence.add_argument("--verify-report", metavar="FILE",
                          help="`perimeter verify --format json` output: controls shown designed, operating or drifted")
    evidence.add_argument("--history", metavar="DIR", help="`perimeter verify --record` directory: operation over time")
    evidence.add_argument("--since", metavar="YYYY-MM-DD", help="with --history: only runs from this date")
    evidence.set_defaults(run=_evidence)

    verify = commands.add_parser("verify", help="check the deployed stack in AWS against the same controls, read-only")
    verify.add_argument("--stack", default="dev", help="stack name; without --outputs, resources tagged environment=<stack>")
    verify.add_argument("--outputs", help="`pulumi stack output --json` file (keys: docs/verify.md)")
    verify.add_argument("--region", type=matching(REGION_PATTERN, "eu-west-1"),
                        help="AWS region (default: the outputs' region)")
    verify.add_argument("--endpoint-url", help="send every AWS call here (a proxy or a test server)")
    verify.add_argument("--format", choices=FORMATS, default="text")
    verify.add_argument("--output", help="write the report here instead of stdout")
    verify.add_argument("--strict", action="store_true",
                        help="a mandatory check that is not verifiable fails the run (exit 1) instead of no verdict (2)")
    verify.add_argument("--quiet", action="store_true", help="no progress on stderr")
    verify.add_argument("--record", metavar="DIR", help="append this run to DIR as a dated, hash-chained JSON record")
    verify.set_defaults(run=_verify)

    evaluate = commands.add_parser("evaluate", help="run the launch-gate test set (evaluation/), offline or live")
    evaluate.add_argument("--stack", default="dev", help="stack name (default: dev)")
    evaluate.add_argument("--cwd", default=REPO_ROOT, help="the Perimeter project (default: this repo)")
    evaluate.add_argument("--live", action="store_true",
                          help="send every case through the deployed guardrail version (needs --outputs, AWS credentials)")
    evaluate.add_argument("--end-to-end", action="store_true", help="with --live: also invoke the assistant Lambda")
    evaluate.add_argument("--outputs", help="with --live: `pulumi stack output --json` file of the deployed stack")
    evaluate.add_argument("--region", type=matching(REGION_PATTERN, "eu-west-1"),
                          help="with --live: AWS region (default: the outputs' region)")
    evaluate.add_argument("--endpoint-url", help="with --live: send every AWS call here (a proxy or a test server)")
    evaluate.add_argument("--record", metavar="DIR", help="write the evaluation record here (evaluations/<stack>/)")
    evaluate.add_argument("--format", choices=FORMATS, default="text")
    evaluate.add_argument("--output", help="write the report here instead of stdout")
    evaluate.set_defaults(run=_evaluate)

    from .authoring import add_commands  # `policies` and `new-policy`, for policy authors

    add_commands(commands)
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        evaluation_time()  # a malformed SOURCE_DATE_EPOCH is bad input for every command, before any work
        return args.run(args)
    except ProgramError as error:
        sys.stderr.write(f"perimeter: {error}\n")
        if error.details:
            sys.stderr.write(error.details if error.details.endswith("\n") else error.details + "\n")
        return EXIT_NO_VERDICT
    except (UsageError, HarnessError) as error:
        sys.stderr.write(f"perimeter: {error}\n")
        return EXIT_NO_VERDICT
    except KeyboardInterrupt:
        sys.stderr.write("perimeter: interrupted; the policy pack and program were stopped\n")
        return EXIT_NO_VERDICT
    except OSError as error:
        sys.stderr.write(f"perimeter: {error.strerror or error}: {error.filename or ''}\n")
        return EXIT_NO_VERDICT


if __name__ == "__main__":
    sys.exit(main())
