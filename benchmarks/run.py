"""sdkgen benchmarks: every comparison in one run, the variants interleaved round by round.

    .venv/bin/python -m benchmarks            # full run, writes benchmarks/RESULTS.md
    .venv/bin/python -m benchmarks --smoke --out /tmp/r/RESULTS.md   # 1 short round (CI)

Comparisons (ratios are taken within a round, then summarised over rounds):

1. SSE throughput: one long stream of small ``response.output_text.delta`` events, read by our
   SDK's typed stream, openai's, meetkai-mka1's, httpx-sse (untyped) and two minimal parsers.
2. Warm per-call CPU of ``sdk.llm.responses.get`` against raw httpx (+ json.loads, + pydantic
   validation with our model), meetkai-mka1 and openai.
3. Cold start: new process -> first call done, RSS; plus SDKs generated from a small and a
   1,000-operation synthetic spec (first-call cost must not grow with the API).
4. Generation: sdkgen vs openapi-python-client and datamodel-code-generator (black / builtin
   formatter) on the largest corpus document and on spec/mka1.yaml; ``sdkgen check`` on the
   unchanged spec; regeneration after a one-schema edit.
5. Concurrency: N async calls at once (``asyncio.gather`` of ``get_async``), ours vs openai's
   ``AsyncOpenAI``, in one event loop; the first batch opens the connections. Alone and quick:
   ``python -m benchmarks --only concurrent --rounds 3 --out /tmp/c/RESULTS.md``.
6. First event and first get (``--only first``): a fresh process to its first streamed event
   (ours vs httpx-sse + json.loads and a minimal ``iter_lines`` parser), and to its first
   ``get`` (ours vs the same call by hand: httpx + our ``ResponseObject.model_validate_json``).
   A stream opens with ``response.created`` (a whole ResponseObject); the ``-delta`` variants
   resume one (``starting_after=0``), so the first event is a small delta.

Every client measurement runs in a fresh process with its variant's own venv; the server runs
in another process. See ``benchmarks/RESULTS.md`` for the figures and how to read them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import envs, gen, report, synth_spec

ROOT = envs.ROOT
HERE = ROOT / "benchmarks"
CORPUS = ROOT / "tests" / "corpus" / "documents"
MKA1_SPEC = ROOT / "spec" / "mka1.yaml"


@dataclass
class Settings:
    smoke: bool
    rounds: int
    events: int
    meetkai_events: int
    calls: int
    warmup: int
    cold_repeats: int
    synthetic_ops: int
    synthetic_small_ops: int
    gen_inputs: list[Path]
    sections: list[str]
    concurrency: int = 500
    batches: int = 5


@dataclass
class Run:
    settings: Settings
    tmp: Path
    envs: dict[str, envs.Env] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    base: str = ""
    results: list[dict[str, Any]] = field(default_factory=list)
    sdkgen_src: Path = ROOT
    rounds: list[dict[str, Any]] = field(default_factory=list)
    setup: dict[str, Any] = field(default_factory=dict)

    def skip(self, what: str) -> None:
        what = " ".join(what.split())
        print(f"SKIPPED: {what}", flush=True)
        self.skipped.append(what)

    def env_ok(self, name: str) -> bool:
        env = self.envs.get(name)
        return env is not None and env.ok


def _child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    # This machine sets PYTHONDONTWRITEBYTECODE=1: every fresh process would then recompile
    # every module it imports, which no real installation does. Let .pyc files be written.
    for name in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "VIRTUAL_ENV", "PYTHONSTARTUP", "MKA1_LOG"):
        env.pop(name, None)
    env.update(extra or {})
    return env


# --- setup ------------------------------------------------------------------------------------


def setup_envs(run: Run, refresh: bool) -> None:
    envs.VENVS.mkdir(parents=True, exist_ok=True)
    log = envs.VENVS / "install.log"
    started = time.perf_counter()
    ours = envs.ensure_ours(log, run.tmp)
    run.envs["ours"] = ours
    if not ours.ok:
        raise SystemExit(f"cannot benchmark without our SDK: {ours.reason}")
    ours.versions = envs.versions(ours, envs.OURS_SHOWN)
    print(f"venv ours (pip install ./generated): ok ({ours.seconds:.1f}s)", flush=True)
    # httpx-sse reads the same httpx version as our SDK, so only the SSE layer differs.
    httpx_version = ours.versions.get("httpx")
    peers = dict(envs.PEERS)
    peers["httpx-sse"] = (
        ["httpx-sse", f"httpx=={httpx_version}" if httpx_version else "httpx"],
        ["httpx-sse", "httpx", "httpcore"],
    )
    needed = set().union(*(SECTION_PEERS[name] for name in run.settings.sections))
    for name, (requirements, shown) in peers.items():
        if name not in needed:
            continue
        with envs.locked():
            env = envs.ensure(name, requirements, refresh, log)
        if env.ok:
            env.versions = envs.versions(env, shown)
        else:
            run.skip(f"venv {name}: {env.reason}")
        run.envs[name] = env
        print(f"venv {name}: {'ok' if env.ok else 'FAILED'} ({env.seconds:.1f}s)", flush=True)
    if not run.env_ok("server"):
        # The project's own test dependencies include uvicorn and starlette: serve from there.
        probe = subprocess.run([sys.executable, "-c", "import uvicorn, starlette"], capture_output=True)
        if probe.returncode != 0:
            raise SystemExit("cannot benchmark without uvicorn and starlette for the server")
        run.envs["server"] = envs.Env("server", Path(sys.executable).parent.parent)
        run.skip("server venv: using the runner's own python (it has uvicorn and starlette)")
    run.setup["venvs_s"] = time.perf_counter() - started


def snapshot_sdkgen(run: Run) -> None:
    """Copy the generator as it is now: the whole run measures one version of it, even while
    the working tree changes under us."""
    src = run.tmp / "sdkgen"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("generator", "templates"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    shutil.copyfile(ROOT / "pyproject.toml", src / "pyproject.toml")
    run.sdkgen_src = src


def sdkgen_cmd(run: Run, *args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


def sdkgen_env(run: Run, cache: Path) -> dict[str, str]:
    """The snapshot on the path (run from a scratch folder, so no pyproject.toml of ours is
    found as configuration and nothing a cache might leave in the working folder survives),
    and a fresh cache home."""
    return _child_env({"PYTHONPATH": str(run.sdkgen_src), "XDG_CACHE_HOME": str(cache)})


def generate_synthetic(run: Run) -> None:
    """Write the synthetic specs and generate their SDKs with our generator (timed once)."""
    s = run.settings
    run.setup["synthetic"] = {}
    for label, ops in (("synth-small", s.synthetic_small_ops), ("synth-big", s.synthetic_ops)):
        spec = synth_spec.write(ops, run.tmp / f"{label}.json")
        package = label.replace("-", "_")
        out = run.tmp / "synthetic" / label
        scratch = Path(tempfile.mkdtemp(prefix=f"{label}-", dir=run.tmp))
        measured = gen.run_tool(
            sdkgen_cmd(run, "generate", str(spec), "-o", str(out), "--package-name", package, "-q"),
            cwd=scratch, env=sdkgen_env(run, scratch / "cache"), timeout=1800,
        )
        measured.update(ops=ops, package=package, out=str(out), call=synth_spec.first_call_path(ops))
        run.setup["synthetic"][label] = measured
        record(run, "setup", f"sdkgen generate {label}", -1, measured)
        if measured["rc"] != 0:
            run.skip(f"cold start of {label}: sdkgen generate failed: {measured['tail'][-300:]}")
        print(f"generated {label} ({ops} operations) in {measured['wall_s']:.1f}s rc={measured['rc']}", flush=True)


class Server:
    def __init__(self, run: Run, max_seconds: float) -> None:
        self.proc = subprocess.Popen(
            [run.envs["server"].python, str(HERE / "server.py"), "--max-seconds", str(max_seconds)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=_child_env(),
        )
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line.startswith("PORT "):
            self.proc.kill()
            raise SystemExit(f"benchmark server did not start: {line!r}")
        self.base = f"http://127.0.0.1:{int(line.split()[1])}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                import urllib.request

                urllib.request.urlopen(urllib.request.Request(f"{self.base}/__shutdown", method="POST"), timeout=5)
                self.proc.wait(timeout=15)
            except Exception:
                self.proc.terminate()
                self.proc.wait(timeout=15)


# --- one measurement ----------------------------------------------------------------------------


def client_run(run: Run, venv: str, args: list[str], timeout: float, extra_env: dict[str, str] | None = None) -> dict[str, Any]:
    env = run.envs[venv]
    cmd = [env.python, str(HERE / "client.py"), *args]
    t_spawn = time.time()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=_child_env(extra_env), cwd=run.tmp)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f}s"}
    t_exit = time.time()
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("RESULT "):
            result = json.loads(line[7:])
            result["parent_wall_s"] = t_exit - t_spawn
            if "t_done" in result:
                result["spawn_to_call_s"] = result["t_done"] - t_spawn
                result["exit_s"] = t_exit - result["t_done"]
            return result
    return {"error": f"exit {done.returncode}: {(done.stderr or done.stdout)[-600:]}"}


def record(run: Run, section: str, variant: str, round_no: int, result: dict[str, Any], **extra: Any) -> None:
    row = {"section": section, "variant": variant, "round": round_no, **extra, **result}
    run.results.append(row)
    if "error" in result:
        print(f"  [{section}] {variant}: ERROR {result['error'][-300:]}", flush=True)
    else:
        print(f"  [{section}] {variant}: {report.brief(section, result)}", flush=True)


def _rotate(items: list[Any], by: int) -> list[Any]:
    if not items:
        return items
    by %= len(items)
    return items[by:] + items[:by]


# --- the comparisons ------------------------------------------------------------------------------

SSE_VARIANTS = [("ours", "ours"), ("openai", "openai"), ("meetkai", "meetkai"),
                ("httpx-sse", "httpx-sse"), ("min-lines", "ours"), ("min-bytes", "ours")]
WARM_VARIANTS = [("ours", "ours"), ("httpx-json", "ours"), ("httpx-pydantic", "ours"),
                 ("openai", "openai"), ("meetkai", "meetkai")]
# The peer venvs each section needs (so one section alone installs only what it uses).
SECTION_PEERS = {
    "sse": {"server", "openai", "meetkai", "httpx-sse"},
    "warm": {"server", "openai", "meetkai"},
    "concurrent": {"server", "openai"},
    "cold": {"server", "openai", "meetkai"},
    "gen": {"server", "opc", "dcg"},
    "first": {"server", "httpx-sse"},
}
CONC_VARIANTS = [("ours", "ours"), ("openai", "openai")]
COLD_VARIANTS = [("bare", "ours"), ("httpx-json", "ours"), ("ours", "ours"), ("anatomy", "ours"), ("openai", "openai"),
                 ("meetkai", "meetkai"), ("synth-small", "ours"), ("synth-big", "ours")]


def _available(run: Run, variants: list[tuple[str, str]], section: str) -> list[tuple[str, str]]:
    out = []
    for variant, venv in variants:
        if not run.env_ok(venv):
            continue
        if variant.startswith("synth") and run.setup.get("synthetic", {}).get(variant, {}).get("rc") != 0:
            continue
        out.append((variant, venv))
    return out


def _cold_args(run: Run, variant: str) -> tuple[list[str], dict[str, str] | None]:
    if variant.startswith("synth"):
        info = run.setup["synthetic"][variant]
        return ["cold", "synthetic", run.base, f"{info['package']}:{info['call']}"], {"PYTHONPATH": info["out"]}
    return ["cold", variant, run.base], None


def prime(run: Run) -> None:
    """One unmeasured run of every client, so .pyc files exist and the disk cache is warm."""
    sections = run.settings.sections
    for variant, venv in _available(run, COLD_VARIANTS, "cold") if "cold" in sections else []:
        args, extra = _cold_args(run, variant)
        result = client_run(run, venv, args, 300, extra)
        if "error" in result:
            run.skip(f"cold {variant}: priming run failed: {result['error'][-300:]}")
    for variant, venv in _available(run, SSE_VARIANTS, "sse") if "sse" in sections else []:
        client_run(run, venv, ["sse", variant, run.base, "10"], 300)
    if "first" in sections:
        for variant, venv in _available(run, FIRST_VARIANTS, "first"):
            result = client_run(run, venv, ["cold", variant, run.base], 300)
            if "error" in result:
                run.skip(f"first {variant}: priming run failed: {result['error'][-300:]}")


def sse_round(run: Run, r: int) -> None:
    s = run.settings
    for variant, venv in _rotate(_available(run, SSE_VARIANTS, "sse"), r):
        n = s.meetkai_events if variant == "meetkai" else s.events
        result = client_run(run, venv, ["sse", variant, run.base, str(n)], 1800)
        record(run, "sse", variant, r, result)


def warm_round(run: Run, r: int) -> None:
    s = run.settings
    for variant, venv in _rotate(_available(run, WARM_VARIANTS, "warm"), r):
        calls = s.calls
        warmup = s.warmup
        result = client_run(run, venv, ["warm", variant, run.base, str(calls), str(warmup)], 1800)
        record(run, "warm", variant, r, result)


def concurrent_round(run: Run, r: int) -> None:
    s = run.settings
    for variant, venv in _rotate(_available(run, CONC_VARIANTS, "concurrent"), r):
        result = client_run(run, venv, ["concurrent", variant, run.base, str(s.concurrency), str(s.batches)], 600)
        record(run, "concurrent", variant, r, result)


# Section "first": fresh processes, measured as cold starts (spawn -> the first event or result).
FIRST_VARIANTS = [("first-ours", "ours"), ("first-httpx-sse", "httpx-sse"), ("first-min-lines", "ours"),
                  ("first-ours-delta", "ours"), ("first-httpx-sse-delta", "httpx-sse"),
                  ("ours", "ours"), ("httpx-pydantic", "ours")]


def first_round(run: Run, r: int) -> None:
    s = run.settings
    variants = _available(run, FIRST_VARIANTS, "first")
    for rep in range(s.cold_repeats):
        for variant, venv in _rotate(variants, r * s.cold_repeats + rep):
            record(run, "first", variant, r, client_run(run, venv, ["cold", variant, run.base], 300), rep=rep)


def cold_round(run: Run, r: int) -> None:
    s = run.settings
    variants = _available(run, COLD_VARIANTS, "cold")
    for rep in range(s.cold_repeats):
        for variant, venv in _rotate(variants, r * s.cold_repeats + rep):
            args, extra = _cold_args(run, variant)
            result = client_run(run, venv, args, 300, extra)
            record(run, "cold", variant, r, result, rep=rep)


def _gen_units(run: Run) -> list[str]:
    # generate (cold), then check and regenerate after an edit, in order; then the cold run again
    # in one process (validator and black inline) with --timings: what each stage costs
    units = ["sdkgen", "sdkgen-stages"]
    if run.env_ok("opc"):
        units.append("openapi-python-client")
    if run.env_ok("dcg"):
        units += ["dcg-black", "dcg-builtin"]
    return units


def gen_round(run: Run, r: int) -> None:
    for spec in run.settings.gen_inputs:
        for unit in _rotate(_gen_units(run), r):
            work = Path(tempfile.mkdtemp(prefix=f"gen-{unit}-", dir=run.tmp))
            try:
                _gen_unit(run, r, spec, unit, work)
            finally:
                shutil.rmtree(work, ignore_errors=True)


def _gen_unit(run: Run, r: int, spec: Path, unit: str, work: Path) -> None:
    label = spec.name
    local = work / f"spec{spec.suffix}"
    shutil.copyfile(spec, local)
    out = work / "out"
    env = _child_env({"XDG_CACHE_HOME": str(work / "cache")})
    if unit == "sdkgen":
        package = "mka1" if spec == MKA1_SPEC else "corpus_sdk"
        tail = [str(local), "-o", str(out), "--package-name", package, "-q"]
        src = work
        env = sdkgen_env(run, work / "cache")
        cold = gen.run_tool(sdkgen_cmd(run, "generate", *tail), cwd=src, env=env, timeout=1800)
        record(run, "gen", "sdkgen generate (cold)", r, cold, input=label)
        if cold["rc"] != 0:
            return
        check = gen.run_tool(sdkgen_cmd(run, "check", *tail), cwd=src, env=env, timeout=1800)
        record(run, "gen", "sdkgen check (unchanged)", r, check, input=label)
        try:
            edited, schema = gen.one_schema_edit(spec.read_text(), spec.suffix)
        except ValueError as exc:
            run.skip(f"regeneration after an edit of {label}: {exc}")
            return
        local.write_text(edited)
        regen = gen.run_tool(sdkgen_cmd(run, "generate", *tail), cwd=src, env=env, timeout=1800)
        record(run, "gen", "sdkgen regenerate (one-schema edit)", r, regen, input=label, schema=schema)
        return
    if unit == "sdkgen-stages":
        package = "mka1" if spec == MKA1_SPEC else "corpus_sdk"
        env = dict(sdkgen_env(run, work / "cache"), SDKGEN_JOBS="1")
        cmd = sdkgen_cmd(run, "generate", str(local), "-o", str(out), "--package-name", package, "-q", "--timings")
        record(run, "gen", "sdkgen generate (cold, one process, --timings)", r,
               gen.run_tool(cmd, cwd=work, env=env, timeout=1800, timings=True), input=label)
        return
    if unit == "openapi-python-client":
        opc = run.envs["opc"]
        cmd = [str(opc.bin / "openapi-python-client"), "generate", "--path", str(local),
               "--output-path", str(out), "--overwrite"]
        tool_env = dict(env, PATH=f"{opc.bin}{os.pathsep}{env.get('PATH', '')}")
        result = gen.run_tool(cmd, cwd=work, env=tool_env, timeout=1800, count=b"Endpoint will not be generated")
        record(run, "gen", unit, r, result, input=label)
        return
    dcg = run.envs["dcg"]
    formatters = ["black", "isort"] if unit == "dcg-black" else ["builtin"]
    out.mkdir()
    cmd = [str(dcg.bin / "datamodel-codegen"), "--input", str(local), "--input-file-type", "openapi",
           "--output-model-type", "pydantic_v2.BaseModel", "--formatters", *formatters,
           "--output", str(out / "models.py")]
    tool_env = dict(env, PATH=f"{dcg.bin}{os.pathsep}{env.get('PATH', '')}")
    record(run, "gen", unit, r, gen.run_tool(cmd, cwd=work, env=tool_env, timeout=1800), input=label)


SECTIONS = {"sse": sse_round, "warm": warm_round, "concurrent": concurrent_round, "cold": cold_round, "gen": gen_round,
            "first": first_round}


# --- main -----------------------------------------------------------------------------------------


def largest_corpus_document() -> Path:
    """The largest single-file document of the shared corpus (by bytes)."""
    files = [p for p in CORPUS.glob("*") if p.is_file() and p.suffix in (".json", ".yaml", ".yml")]
    return max(files, key=lambda p: p.stat().st_size)


def _settings(args: argparse.Namespace) -> Settings:
    smoke = args.smoke
    sections = args.only.split(",") if args.only else list(SECTIONS)
    if "gen" not in sections:
        inputs = []  # the corpus may be absent from this checkout; nothing needs it
    elif args.gen_input:
        inputs = [Path(p).resolve() for p in args.gen_input]
    elif smoke:
        inputs = [MKA1_SPEC]  # the largest corpus document takes ~20 s per tool; smoke keeps it short
    else:
        inputs = [largest_corpus_document(), MKA1_SPEC]
    return Settings(
        smoke=smoke,
        rounds=args.rounds or (1 if smoke else 5),
        events=args.events or (2_000 if smoke else 100_000),
        meetkai_events=args.meetkai_events or (300 if smoke else 5_000),
        calls=args.calls or (50 if smoke else 2_000),
        warmup=args.warmup if args.warmup is not None else (10 if smoke else 200),
        cold_repeats=args.cold_repeats or (1 if smoke else 3),
        synthetic_ops=args.synthetic_ops or (200 if smoke else 1_000),
        synthetic_small_ops=10,
        gen_inputs=inputs,
        sections=sections,
        concurrency=args.concurrency or (50 if smoke else 500),
        batches=args.batches or (2 if smoke else 5),
    )


def _git_state() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "generated", "generator", "templates"],
                               cwd=ROOT, capture_output=True, text=True).stdout.strip()
        return f"{head}{' + uncommitted changes in generator/templates/generated' if dirty else ''}"
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="1 short round of everything (for CI)")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md", help="where to write the report")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--events", type=int, help="delta events per SSE stream")
    parser.add_argument("--meetkai-events", type=int, help="events per stream for meetkai-mka1 (about 350 events/s)")
    parser.add_argument("--calls", type=int, help="timed calls per warm run")
    parser.add_argument("--warmup", type=int, help="untimed calls before them")
    parser.add_argument("--cold-repeats", type=int, help="cold starts of each client per round")
    parser.add_argument("--synthetic-ops", type=int, help="operations in the big synthetic spec")
    parser.add_argument("--gen-input", action="append", help="generation input (repeatable)")
    parser.add_argument("--concurrency", type=int, help="async calls at once in the concurrent section")
    parser.add_argument("--batches", type=int, help="batches of them per concurrent run")
    parser.add_argument("--only", help="comma-separated sections: sse,warm,concurrent,cold,gen,first")
    parser.add_argument("--refresh-venvs", action="store_true", help="rebuild every benchmark venv")
    parser.add_argument("--keep-tmp", action="store_true")
    args = parser.parse_args(argv)
    settings = _settings(args)
    if args.out.resolve() == (HERE / "RESULTS.md").resolve() and settings.smoke:
        raise SystemExit("--smoke never overwrites benchmarks/RESULTS.md: give --out")

    started = time.perf_counter()
    load_before = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix="sdkgen-bench-"))
    run = Run(settings, tmp)
    server = None
    try:
        snapshot_sdkgen(run)
        setup_envs(run, args.refresh_venvs)
        if "cold" in settings.sections:
            generate_synthetic(run)
        server = Server(run, max_seconds=6 * 3600)
        run.base = server.base
        if set(settings.sections) - {"concurrent"}:
            prime(run)
        for r in range(settings.rounds):
            round_info = {"round": r, "load_before": os.getloadavg(), "started": time.perf_counter() - started}
            print(f"round {r + 1}/{settings.rounds} (load {round_info['load_before'][0]:.2f})", flush=True)
            for section in settings.sections:
                SECTIONS[section](run, r)
            round_info["load_after"] = os.getloadavg()
            round_info["seconds"] = time.perf_counter() - started - round_info["started"]
            run.rounds.append(round_info)
    finally:
        if server is not None:
            server.stop()
        if not args.keep_tmp:
            shutil.rmtree(tmp, ignore_errors=True)

    meta = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "mode": "smoke" if settings.smoke else "full",
        "command": "python -m benchmarks " + " ".join(argv if argv is not None else sys.argv[1:]),
        "seconds": time.perf_counter() - started,
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "machine": f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "git": _git_state(),
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(settings).items()},
        "versions": {name: env.versions for name, env in run.envs.items()},
        "skipped": run.skipped,
        "rounds": run.rounds,
        "setup": run.setup,
        "events_per_chunk": int(os.environ.get("BENCH_EVENTS_PER_CHUNK", "32")),
    }
    meta["settings"]["gen_inputs"] = [str(p) for p in settings.gen_inputs]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps({"meta": meta, "results": run.results}, indent=1, default=str))
    args.out.write_text(report.render(meta, run.results))
    print(f"wrote {args.out} ({meta['seconds']:.0f}s)", flush=True)
    if run.skipped:
        print("skipped:\n  " + "\n  ".join(run.skipped), flush=True)
    failures = report.smoke_failures(run.results)
    if failures:
        print("FAILED (our code paths):\n  " + "\n  ".join(failures), flush=True)
    return 1 if failures and settings.smoke else 0


if __name__ == "__main__":
    sys.exit(main())
