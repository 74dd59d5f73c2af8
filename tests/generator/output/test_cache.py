"""The generation cache (generator/output/cache.py): hits and misses, byte-identical output with and
without it, corrupt or missing entries are misses, `--no-cache`, `--cache-dir`, and the whole-run
entry that makes `sdkgen check` on an unchanged spec skip generation. No timings here: speed is
shown by the benchmark (benchmarks/, section 4)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.output.cache import Cache, key
from generator.pipeline import generate, generate_outcome
from generator.problems import SpecError

from ...helpers import ROOT, tree

GOLDEN = ROOT / "tests" / "golden"
SPEC = GOLDEN / "streaming" / "spec.yaml"
# Models big enough to be formatted model by model (several black entries): the rendered modules
# no longer go through black.
BIG_MODELS = ROOT / "spec" / "mka1.yaml"


def _files(cache: Cache | None, spec: Path = SPEC) -> dict[str, bytes]:
    return dict(generate(spec, package="stream_sdk", strict=True, cache=cache).files.files)


def _entries(root: Path, kind: str) -> list[Path]:
    return sorted(p for p in (root / "v1" / kind).rglob("*") if p.is_file() and not p.name.startswith(".tmp"))


def sdkgen(*args: str, cache_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("SDKGEN_CACHE_DIR", None)
    if cache_dir is not None:
        env["SDKGEN_CACHE_DIR"] = str(cache_dir)
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def test_output_is_byte_identical_without_cache_cold_and_warm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SDKGEN_MODELS", "dcg")  # the `models` entries belong to the old path
    plain = _files(None)
    cold_cache = Cache(tmp_path / "c")
    cold = _files(cold_cache)
    assert cold_cache.hits["black"] == 0 and cold_cache.misses["black"] > 0
    assert cold_cache.misses["models"] == 1 and cold_cache.misses["validate"] == 1
    warm_cache = Cache(tmp_path / "c")
    warm = _files(warm_cache)
    assert warm_cache.misses["black"] == 0 and warm_cache.hits["black"] == cold_cache.misses["black"]
    assert warm_cache.hits["models"] == 1 and warm_cache.hits["validate"] == 1
    assert plain == cold == warm


def test_corrupt_truncated_or_missing_entries_are_misses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SDKGEN_MODELS", "dcg")  # black's and the models' entries belong to the old path
    root = tmp_path / "c"
    expected = _files(Cache(root), BIG_MODELS)
    entries = _entries(root, "black") + _entries(root, "models") + _entries(root, "validate")
    assert len(entries) >= 4
    entries[0].write_bytes(b"garbage")                              # no header
    entries[1].write_bytes(entries[1].read_bytes()[:-5])            # truncated: checksum fails
    raw = bytearray(entries[2].read_bytes())
    raw[-2] ^= 0x20                                                 # one flipped bit in the payload
    entries[2].write_bytes(bytes(raw))
    entries[3].unlink()
    again = Cache(root)
    assert _files(again, BIG_MODELS) == expected
    bad = sum(again.misses.values())
    assert bad == 4, again.summary()
    healed = Cache(root)  # the bad entries were replaced by good ones
    assert _files(healed, BIG_MODELS) == expected and sum(healed.misses.values()) == 0


def test_entries_are_checked_and_written_atomically(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c")
    digest = key("black", "some source")
    assert cache.get("black", digest) is None
    cache.put_text("black", digest, "formatted\n")
    assert cache.get_text("black", digest) == "formatted\n"
    assert not list((tmp_path / "c").rglob(".tmp-*"))  # nothing half-written is left behind
    assert key("a", "bc") != key("ab", "c")  # parts are length-prefixed
    blob = cache.put_blob(b"content")
    assert cache.get_blob(blob) == b"content"


def test_an_unusable_cache_folder_is_no_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = Cache(blocker / "cache")
    assert _files(cache) == _files(None)
    assert sum(cache.hits.values()) == 0


# Worker processes are forked from the process that formats: these tests fork from a fresh
# interpreter, never from pytest's (a fork of pytest would count as a child as big as pytest in
# the memory limits other tests measure with RUSAGE_CHILDREN).
# The child only reports what it saw, as JSON on its last line; the test asserts on it.
def _isolated(code: str) -> Any:
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_parallel_black_gives_the_same_text_as_one_process() -> None:
    seen = _isolated("""
import json
from generator.emit import format as fmt
sources = {f"m{i}.py": f"def f{i}( a,b ):\\n  return {{'k':a,'v':[b]*{i}}}\\n" * 30 for i in range(5)}
one = fmt.Formatter(None, jobs=1)
for name, source in sources.items():
    one.add(name, source)
one.start()
fmt.POOL_MIN_BYTES = 0
many = fmt.Formatter(None, jobs=2)
for name, source in list(sources.items())[:3]:
    many.add(name, source)
many.start()
for name, source in list(sources.items())[3:]:  # added while the workers run
    many.add(name, source)
errors = []
for jobs in (1, 2):  # a black failure names the file, from a worker too
    black = fmt.Formatter(None, jobs=jobs)
    black.add("good.py", "x = 1\\n")
    black.add("pkg/bad.py", "def (:\\n")
    black.start()
    try:
        black.finish()
        errors.append(None)
    except RuntimeError as exc:
        errors.append(str(exc))
print(json.dumps({"many": many.finish(), "one": one.finish(), "workers": many.workers,
                  "can_fork": fmt._can_fork(), "errors": errors}))
""")
    assert seen["many"] == seen["one"]
    assert seen["workers"] == (2 if seen["can_fork"] else 0)
    assert len(seen["errors"]) == 2
    assert all(e is not None and "pkg/bad.py is not valid Python" in e for e in seen["errors"]), seen["errors"]


def test_one_process_and_several_give_the_same_sdk(tmp_path: Path) -> None:
    spec = ROOT / "spec" / "mka1.yaml"
    # Only the models still go through black, less than POOL_MIN_BYTES of them: the threshold is
    # lowered so that the run with two jobs does use worker processes.
    main = "import generator.emit.format as f; f.POOL_MIN_BYTES = 1; from generator.cli import main; raise SystemExit(main())"
    trees = []
    for jobs in ("1", "2"):
        out = tmp_path / jobs
        # the old models path (datamodel-code-generator, then black): the one that gives black work
        env = {**os.environ, "PYTHONPATH": str(ROOT), "SDKGEN_JOBS": jobs, "SDKGEN_MODELS": "dcg"}
        res = subprocess.run([sys.executable, "-c", main, "generate", str(spec), "-o", str(out),
                              "--package-name", "mka1", "--no-cache", "--timings"], cwd=ROOT, env=env,
                             capture_output=True, text=True)
        assert res.returncode == 0, res.stderr
        assert ("worker processes" in res.stderr) == (jobs == "2")
        trees.append(tree(out))
    assert trees[0] == trees[1]


def test_run_cache_skips_generation_for_the_same_inputs(tmp_path: Path) -> None:
    root = tmp_path / "c"
    first = generate_outcome(SPEC, package="stream_sdk", strict=True, cache=Cache(root))
    second = generate_outcome(SPEC, package="stream_sdk", strict=True, cache=Cache(root))
    assert not first.cached and second.cached
    assert dict(second.files.files) == dict(first.files.files)
    assert second.problems == first.problems and second.operation_count == first.operation_count
    assert second.coverage is not None and first.coverage is not None
    assert second.coverage.to_json() == first.coverage.to_json()
    other = generate_outcome(SPEC, package="other_sdk", strict=True, cache=Cache(root))  # an option is in the key
    assert not other.cached


def test_check_after_generate_skips_generation_and_still_sees_drift(tmp_path: Path) -> None:
    cache, out = tmp_path / "c", tmp_path / "sdk"
    spec = GOLDEN / "bodies" / "spec.yaml"
    assert sdkgen("generate", str(spec), "-o", str(out), "--package-name", "notes", cache_dir=cache).returncode == 0
    ok = sdkgen("check", str(spec), "-o", str(out), "--package-name", "notes", "--timings", cache_dir=cache)
    assert ok.returncode == 0, ok.stderr
    assert "hit: nothing generated" in ok.stderr
    assert "coverage:" in ok.stderr  # the same report as a full run
    (out / "notes" / "sdk.py").write_text("# edited by hand\n")
    drifted = sdkgen("check", str(spec), "-o", str(out), "--package-name", "notes", cache_dir=cache)
    assert drifted.returncode == 1
    assert "stale: notes/sdk.py" in drifted.stdout and "-# edited by hand" in drifted.stdout


def test_no_cache_and_cache_dir(tmp_path: Path) -> None:
    spec = GOLDEN / "params" / "spec.yaml"
    env_cache, flag_cache = tmp_path / "env", tmp_path / "flag"
    res = sdkgen("generate", str(spec), "-o", str(tmp_path / "a"), "--package-name", "p", "--no-cache", cache_dir=env_cache)
    assert res.returncode == 0, res.stderr
    assert not env_cache.exists()
    res = sdkgen("generate", str(spec), "-o", str(tmp_path / "b"), "--package-name", "p", "--cache-dir", str(flag_cache),
                 "--timings", cache_dir=env_cache)
    assert res.returncode == 0, res.stderr
    assert not env_cache.exists() and _entries(flag_cache, "validate")
    for stage in ("load", "validate", "build", "emit: templates", "emit: models", "emit: black", "write"):
        assert f"  {stage} " in res.stderr
    res = sdkgen("generate", str(spec), "-o", str(tmp_path / "c"), "--package-name", "p", cache_dir=env_cache)
    assert res.returncode == 0 and _entries(env_cache, "run")
    assert tree(tmp_path / "a") == tree(tmp_path / "b") == tree(tmp_path / "c")


def _multi_file(folder: Path, with_pet: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "api.yaml").write_text(
        "openapi: 3.0.3\ninfo: {title: Pets, version: 1.0.0}\nservers: [{url: 'https://example.com'}]\n"
        "paths:\n  /pets/{id}:\n    get:\n      operationId: getPet\n      parameters:\n"
        "        - {name: id, in: path, required: true, schema: {type: string}}\n"
        "      responses:\n        '200':\n          description: ok\n          content:\n"
        "            application/json:\n              schema: {$ref: 'pet.yaml'}\n")
    if with_pet:
        (folder / "pet.yaml").write_text("type: object\nproperties:\n  name: {type: string}\n")
    return folder / "api.yaml"


def test_run_cache_sees_a_changed_or_new_referenced_file(tmp_path: Path) -> None:
    root = tmp_path / "c"
    spec = _multi_file(tmp_path / "spec", with_pet=False)  # the ref points to a file not there yet

    def run() -> tuple[dict[str, bytes], bool]:
        outcome = generate_outcome(spec, package="pets", cache=Cache(root))
        assert dict(outcome.files.files) == dict(generate(spec, package="pets").files.files)
        return dict(outcome.files.files), outcome.cached

    missing, _ = run()
    _multi_file(tmp_path / "spec", with_pet=True)
    created, cached = run()
    assert not cached and created != missing
    _, cached = run()
    assert cached
    (tmp_path / "spec" / "pet.yaml").write_text("type: object\nproperties:\n  name: {type: string}\n  age: {type: integer}\n")
    changed, cached = run()
    assert not cached and changed != created


def test_an_invalid_spec_still_fails_as_invalid(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /x:\n    get:\n"
                    "      operationId: x\n      responses: {'200': {description: ok}}\n      parameters: 7\n")
    for cache in (None, Cache(tmp_path / "c"), Cache(tmp_path / "c")):
        with pytest.raises(SpecError) as err:
            generate(spec, package="bad", strict=True, cache=cache)
        assert any("spec validator" in p.message for p in err.value.problems)


def test_forked_call_gives_its_result_or_its_real_error() -> None:
    seen = _isolated("""
import json, sys, time
from generator.output.background import Forked
total = Forked(sum, [1, 2, 3]).result()
try:
    Forked(divmod, 1, 0).result()  # run again here, so the error is the real one
    error = None
except ZeroDivisionError as exc:
    error = type(exc).__name__
slow = Forked(time.sleep, 60)
running = not slow.done()
slow.cancel()  # killed and reaped, not waited for
print(json.dumps({"total": total, "error": error, "running": running, "linux": sys.platform.startswith("linux")}))
""")
    assert seen["total"] == 6
    assert seen["error"] == "ZeroDivisionError"
    assert seen["running"] or not seen["linux"]


def test_prepared_child_gets_ready_first_and_answers_like_a_call_here(tmp_path: Path) -> None:
    # Ordering, not timing, shows that nothing waits: the child gets ready only once a marker
    # exists that the parent makes after `send` returns, and the holder (forked later, with a
    # copy of the child's argument pipe) exits only once a marker exists that the parent makes
    # after `result` returns. Each wait is bounded (20 s) and reports whether it saw its marker.
    seen = _isolated(f"""
import json, os, sys, time
from pathlib import Path
from generator.output.background import Forked, Prepared
sent, answered = Path({str(tmp_path / "sent")!r}), Path({str(tmp_path / "answered")!r})
def wait_for(marker):
    for _ in range(2000):
        if marker.exists():
            return True
        time.sleep(0.01)
    return False
state = {{}}
def ready():
    state["saw_sent"] = wait_for(sent)
def where(values):
    return os.getpid(), sum(values), state.get("saw_sent")
linux = sys.platform.startswith("linux")
child = Prepared(ready, where)
holder = Forked(wait_for, answered)
child.send(list(range(100_000)))
sent.touch()
pid, total, saw_sent = child.result()
answered.touch()
holder_saw_answer = holder.result()
failing = Prepared(lambda: None, divmod)
failing.send(1, 0)
try:
    failing.result()  # run again here, so the error is the real one
    error = None
except ZeroDivisionError as exc:
    error = type(exc).__name__
unused = Prepared(lambda: time.sleep(60), where)
unused.cancel()  # killed and reaped
unused.send([1, 2])
print(json.dumps({{"linux": linux, "in_child": pid != os.getpid(), "total": total, "saw_sent": saw_sent,
                  "holder_saw_answer": holder_saw_answer, "error": error, "cancelled": list(unused.result())}}))
""")
    assert seen["total"] == sum(range(100_000))
    assert seen["in_child"] == seen["linux"]  # made in the child
    if seen["linux"]:
        assert seen["saw_sent"] is True  # `send` returned before the child was ready
    assert seen["holder_saw_answer"] is True  # `result` did not wait for the holder to exit
    assert seen["error"] == "ZeroDivisionError"
    assert seen["cancelled"][1] == 3  # cancelled: runs here


def test_a_checkpoint_stops_emit_before_black_is_waited_for() -> None:
    seen = _isolated(f"""
import json
from pathlib import Path
from generator.emit import emit, format as fmt
from generator.maintenance.history import apply
from generator.ir import build
from generator.loading.load import load
from generator.problems import SpecError
fmt.POOL_MIN_BYTES = 0  # with workers running
ir, _ = build(load(Path({str(SPEC)!r})), package="stream_sdk")
def stop():
    raise SpecError([])
try:
    emit(apply(ir, None).ir, checkpoint=stop, jobs=2)
    stopped = False
except SpecError:
    stopped = True
print(json.dumps({{"stopped": stopped}}))
""")
    assert seen == {"stopped": True}
