"""Command line: `sdkgen generate | check | validate`."""

from __future__ import annotations

import argparse
import difflib
import sys
import time
from pathlib import Path

from . import __version__
from .config import Config, find_config
from .emit.format import default_jobs
from .maintenance.diff import render_markdown, render_text
from .maintenance.history import CHANGELOG, Previous
from .maintenance.surface import SURFACE_FILE
from .output.cache import Cache, open_cache
from .output.run_cache import Outcome
from .output.write import WriteError, compare, read_text, stage, write
from .pipeline import diff_specs, generate_outcome, validate_only
from .problems import SpecError
from .progress import ProgressTimings, timings_for
from .timings import Timings

REFRESH_HINT = "run `sdkgen generate` to refresh"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sdkgen", description="Generate a typed Python SDK from an OpenAPI document.")
    parser.add_argument("--version", action="version", version=f"sdkgen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("generate", "generate the SDK into OUT"), ("check", "exit 1 if OUT differs from a fresh generation")):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("spec", nargs="?", type=Path, help="OpenAPI document (default: [tool.sdkgen] spec)")
        p.add_argument("-o", "--output", type=Path, help="output folder (default: [tool.sdkgen] output)")
        p.add_argument("--package-name", help="import name of the generated package")
        p.add_argument("--project-name", help="distribution name of the generated package")
        p.add_argument("--strict", action="store_true", help="treat every spec finding as an error")
        p.add_argument("--allow-partial", action="store_true", help="skip operations that cannot be generated instead of failing")
        p.add_argument("-q", "--quiet", action="store_true", help="print errors only")
        _ref_options(p)
        p.add_argument("--report", type=Path, metavar="FILE",
                       help="write the coverage report (operations, degraded schemas, problems) as JSON")
        p.add_argument("--no-cache", action="store_true",
                       help="do not read or write the cache of black, model generator, validator and run results")
        p.add_argument("--cache-dir", type=Path, metavar="DIR",
                       help="cache folder (default: $SDKGEN_CACHE_DIR, else $XDG_CACHE_HOME/sdkgen or ~/.cache/sdkgen)")
        p.add_argument("--timings", action="store_true",
                       help="print how long each stage took (load, validate, build, templates, models, black, write)")
        p.add_argument("-v", "--verbose", action="store_true", help="--timings, and every file written or removed")
        if name == "generate":
            p.add_argument("--fail-on-change", action="store_true",
                           help="exit 1 when any file was written or removed (for pre-commit hooks)")
            p.add_argument("--stage", action="store_true",
                           help="`git add` what changed, so a pre-commit hook's commit includes the regenerated SDK")
    p = sub.add_parser("diff", help="what a spec change does to the SDK's public surface")
    p.add_argument("old", type=Path, nargs="?", help="old spec (or use --base)")
    p.add_argument("new", type=Path, nargs="?", help="new spec (default: [tool.sdkgen] spec)")
    p.add_argument("--base", metavar="GIT_REF", help="compare the spec as committed at GIT_REF with the working tree")
    p.add_argument("--format", choices=("text", "markdown"), default="text")
    p.add_argument("--fail-on-breaking", action="store_true", help="exit 2 when a change is breaking")
    p = sub.add_parser("validate", help="report every problem in the spec")
    p.add_argument("spec", type=Path)
    p.add_argument("--lenient", action="store_true", help="report validator findings as warnings")
    _ref_options(p)
    return parser


def _ref_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--ref-root", type=Path, metavar="DIR",
                   help="external $ref files must be inside DIR (default: the folder containing the spec's folder)")
    p.add_argument("--allow-remote-refs", action="store_true", help="fetch $refs to http(s) URLs")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "validate":
            return _validate(args)
        if args.command == "diff":
            return _diff(args, find_config())
        return _generate_or_check(args, find_config())
    except SpecError as exc:
        print(exc.render(), file=sys.stderr)
        if exc.coverage is not None:
            _write_report(exc.coverage, getattr(args, "report", None))
        print(f"sdkgen: {exc}", file=sys.stderr)
        return 1
    except WriteError as exc:
        print(f"sdkgen: {exc}", file=sys.stderr)
        return 1


def _validate(args: argparse.Namespace) -> int:
    problems = validate_only(args.spec, strict=not args.lenient, allow_remote_refs=args.allow_remote_refs,
                             ref_root=args.ref_root)
    for problem in problems:
        print(problem.render())
    errors = sum(p.level == "error" for p in problems)
    warnings = sum(p.level == "warning" for p in problems)
    print(f"{args.spec}: {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if errors else 0


def _diff(args: argparse.Namespace, config: Config) -> int:
    new = args.new or (config.spec if args.base else None)
    if args.base:
        new = args.old or new  # `sdkgen diff --base REF [SPEC]`
    if new is None or (args.old is None and not args.base):
        print("sdkgen: give OLD and NEW specs, or --base GIT_REF [SPEC]", file=sys.stderr)
        return 2
    changes, old_version = diff_specs(None if args.base else args.old, new, base=args.base)
    render = render_markdown if args.format == "markdown" else render_text
    print(render(changes, old_version))
    if args.fail_on_breaking and any(c.kind == "breaking" for c in changes):
        return 2
    return 0


def _generate_or_check(args: argparse.Namespace, config: Config) -> int:
    spec = args.spec or config.spec
    out = args.output or config.output
    if spec is None or out is None:
        print("sdkgen: give SPEC and -o OUT, or set spec and output in [tool.sdkgen] of pyproject.toml", file=sys.stderr)
        return 2
    # The config's names belong to the config's spec, not to a spec given by hand.
    same_spec = args.spec is None or (config.spec is not None and args.spec.resolve() == config.spec.resolve())
    own = config if same_spec else Config()
    package = args.package_name or own.package_name or "sdk"
    started = time.perf_counter()
    timings = timings_for(args.quiet)
    cache = open_cache(args.cache_dir, enabled=not args.no_cache)
    try:
        return _run(args, config, own, spec, out, package, started, timings, cache)
    finally:
        if isinstance(timings, ProgressTimings):
            timings.finish()
        if cache is not None:
            cache.close()
        if args.timings or args.verbose:
            print(timings.render(), file=sys.stderr)
            print(f"sdkgen: cache: {f'{cache.root}: {cache.summary()}' if cache else 'off'}", file=sys.stderr)


def _run(args: argparse.Namespace, config: Config, own: Config, spec: Path, out: Path, package: str,  # noqa: PLR0913
         started: float, timings: Timings, cache: Cache | None) -> int:
    # The config's strictness belongs to the config's spec, not to any spec given by hand.
    strict = args.strict or own.strict
    previous = Previous(read_text(out, SURFACE_FILE), read_text(out, CHANGELOG))
    result = generate_outcome(spec, package=package, dist_name=args.project_name or own.dist_name,
                              strict=strict, allow_partial=args.allow_partial, previous=previous,
                              versioning=config.versioning, allow_remote_refs=args.allow_remote_refs,
                              ref_root=args.ref_root, cache=cache, timings=timings, jobs=default_jobs())
    if not args.quiet:
        for problem in result.problems:
            if problem.level != "note" or problem.drops_operation:
                print(problem.render(), file=sys.stderr)
    if result.coverage is not None:
        _write_report(result.coverage, args.report, quiet=args.quiet)
    if args.command == "check":
        return _check_drift(args, result, out, timings)
    return _write_output(args, result, out, started, timings)


def _check_drift(args: argparse.Namespace, result: Outcome, out: Path, timings: Timings) -> int:
    with timings.stage("compare"):
        drift = compare(result.files, out)
    if drift.clean:
        if not args.quiet:
            print(f"sdkgen: {out} is up to date ({len(result.files)} files)", file=sys.stderr)
        return 0
    _report_drift(drift, result.files, out)
    if result.old_version is not None:
        print("\nWhat the spec change does to the SDK:", file=sys.stderr)
        print(render_text(result.changes, result.old_version), file=sys.stderr)
    return 1


def _write_output(args: argparse.Namespace, result: Outcome, out: Path, started: float, timings: Timings) -> int:
    with timings.stage("write"):
        changed = write(result.files, out)
    if isinstance(timings, ProgressTimings):
        timings.finish()
    if args.verbose:  # every file written or removed
        for path in changed:
            print(f"wrote: {path}" if path in result.files else f"removed: {path}", file=sys.stderr)
    if not args.quiet:
        elapsed = time.perf_counter() - started
        print(f"sdkgen: {result.operation_count} operations, {len(result.files)} files, "
              f"{len(changed)} changed in {out} ({elapsed:.2f}s)", file=sys.stderr)
    if args.stage and changed:
        stage(out, changed)
    if args.fail_on_change and changed:
        for path in changed:
            print(f"changed: {path}")
        print("sdkgen: the SDK was regenerated; stage the changes and commit again", file=sys.stderr)
        return 1
    return 0


def _write_report(report, path: Path | None, *, quiet: bool = False) -> None:  # type: ignore[no-untyped-def]
    """The coverage summary line on stderr and, with --report, the JSON report."""
    if path is not None:
        try:
            path.write_text(report.to_json(), encoding="utf-8")
        except OSError as exc:
            raise WriteError(f"cannot write the report {path}: {exc.strerror}") from None
    if not quiet or path is not None:
        print(report.summary(), file=sys.stderr)


def _report_drift(drift, files, out: Path) -> None:  # type: ignore[no-untyped-def]
    for label, paths in (("missing", drift.missing), ("extra", drift.extra), ("stale", drift.stale)):
        for path in paths:
            print(f"{label}: {path}")
    for path in drift.stale:
        old = (read_text(out, path) or "").splitlines(keepends=True)
        new = files[path].decode("utf-8", "replace").splitlines(keepends=True)
        sys.stdout.writelines(difflib.unified_diff(old, new, f"{out}/{path} (on disk)", f"{out}/{path} (generated)", n=2))
    print(f"sdkgen: {out} is out of date: {len(drift.stale)} stale, {len(drift.missing)} missing, "
          f"{len(drift.extra)} extra; {REFRESH_HINT}", file=sys.stderr)
