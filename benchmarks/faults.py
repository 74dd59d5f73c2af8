"""What our SDK and openai-python do under the wire faults of issue 13, and how long it takes.

    .venv/bin/python -m benchmarks.faults --openai-python benchmarks/.venvs/openai/bin/python

Starts the fault server of the tests (``tests/servers/faults.py``) in its own process, then
runs each scenario in a fresh process per client, killed after ``--limit`` seconds (reported
as "still running"). Prints a Markdown table: scenario, client, outcome, seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "sk-bench"

# --- scenarios, run in the client's own process --------------------------------------------------


def _client(kind, base):
    if kind == "ours":
        from mka1 import SDK

        return SDK(bearer_auth=TOKEN, server_url=base)
    import openai

    return openai.OpenAI(api_key=TOKEN, base_url=f"{base}/api/v1/llm", max_retries=2)


def _async_client(kind, base):
    if kind == "ours":
        from mka1 import SDK

        return SDK(bearer_auth=TOKEN, server_url=base)
    import openai

    return openai.AsyncOpenAI(api_key=TOKEN, base_url=f"{base}/api/v1/llm", max_retries=2)


def _get(kind, client, rid, **kw):
    if kind == "ours":
        return client.llm.responses.get(response_id=rid, **kw)
    if "timeout_ms" in kw:
        kw["timeout"] = kw.pop("timeout_ms") / 1000
    return client.responses.retrieve(rid, **kw)


def keep_150(kind, base):
    client = _client(kind, base)
    keep = [_get(kind, client, "resp_k", stream=True) for _ in range(150)]
    return f"150 open, then a call returned {_get(kind, client, 'resp_ok').id} ({len(keep)} kept)"


def keep_1001(kind, base):
    client = _client(kind, base)
    keep = [_get(kind, client, "resp_k", stream=True) for _ in range(1000)]
    return f"1000 open, then a call returned {_get(kind, client, 'resp_ok').id} ({len(keep)} kept)"


def drop_1000(kind, base):
    client = _client(kind, base)
    for _ in range(1000):
        stream = _get(kind, client, "resp_k", stream=True)
        next(iter(stream))
        del stream
    return f"1000 dropped, then a call returned {_get(kind, client, 'resp_ok').id}"


def drip_3s(kind, base):
    return f"returned {_get(kind, _client(kind, base), 'resp_drip', timeout_ms=3000).id}"


def _body_fault(fault, times="1"):
    def scenario(kind, base):
        # a counter of its own per client and run: the first ``times`` attempts get the fault
        rid = f"{fault}~{kind}{time.time_ns()}" + (f"~{times}" if times else "")
        value = _get(kind, _client(kind, base), rid)
        return f"returned {value.id.split('~')[0]} with {len(value.output_text or '')} chars of text"

    return scenario


def post_short(kind, base):
    client = _client(kind, base)
    if kind == "ours":
        value = client.llm.responses.create(model="m", input="hi")
    else:
        value = client.responses.create(model="m", input="hi")
    return f"returned {value.id}"


def concurrent_500(kind, base):
    import asyncio

    async def main():
        client = _async_client(kind, base)
        call = (
            (lambda: client.llm.responses.get_async(response_id="resp_ok"))
            if kind == "ours"
            else (lambda: client.responses.retrieve("resp_ok"))
        )
        started = time.perf_counter()
        results = await asyncio.gather(*(call() for _ in range(500)))
        wall = time.perf_counter() - started
        await (client.aclose() if kind == "ours" else client.close())
        return f"500 calls in {wall:.2f}s ({len(results)} results)"

    return asyncio.run(main())


def gc_after_loop(kind, base):
    """Run in a child with -X dev -W error; the parent reads its stderr."""
    import asyncio
    import gc

    client = _async_client(kind, base)

    async def call():
        if kind == "ours":
            return (await client.llm.responses.get_async(response_id="resp_ok")).id
        return (await client.responses.retrieve("resp_ok")).id

    first = asyncio.run(call())
    try:
        second = asyncio.run(call())
    except Exception as exc:  # noqa: BLE001 - reported as the outcome
        second = f"{type(exc).__name__}: {exc}"[:120]
    del client
    gc.collect()
    return f"first loop: {first}; second loop: {second}"


SCENARIOS = {
    "150 streams kept open, then a call": keep_150,
    "1000 streams kept open (a full default pool), then a call": keep_1001,
    "1000 streams dropped unclosed, then a call": drop_1000,
    "body dripping 1 byte/0.3 s, timeout 3 s": drip_3s,
    "GET: Content-Length longer than the body (first attempt)": _body_fault("resp_short"),
    "GET: connection dropped mid-body (first attempt)": _body_fault("resp_reset"),
    "GET: bad gzip body (first attempt)": _body_fault("resp_gzip"),
    "GET: body cut short on every attempt": _body_fault("resp_short", ""),
    "POST (create, no idempotency key): body cut short": post_short,
    "async client collected after asyncio.run, then a second asyncio.run": gc_after_loop,
    "500 concurrent async calls": concurrent_500,
}


def child(kind: str, name: str, base: str) -> None:
    started = time.perf_counter()
    try:
        outcome = SCENARIOS[name](kind, base)
    except Exception as exc:  # noqa: BLE001 - the typed error is the outcome
        outcome = f"raised {type(exc).__module__.split('.')[0]}.{type(exc).__name__}: {str(exc)[:160]}"
    print("RESULT " + json.dumps({"outcome": outcome, "seconds": time.perf_counter() - started}), flush=True)


# --- the parent -------------------------------------------------------------------------------------


def _run(python: str, kind: str, name: str, base: str, limit: float) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "generated"))
    flags = ["-X", "dev", "-W", "error"] if SCENARIOS[name] is gc_after_loop else []
    cmd = [python, *flags, str(Path(__file__).resolve()), "--child", kind, name, base]
    started = time.perf_counter()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=limit, env=env)
    except subprocess.TimeoutExpired:
        return {"outcome": f"still running after {limit:.0f} s (killed)", "seconds": None}
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[7:])
            noise = [x for x in done.stderr.splitlines() if "Event loop is closed" in x or "Exception ignored" in x
                     or "ResourceWarning" in x]
            if noise:
                result["outcome"] += f"; stderr: {noise[0][:120]}"
            return result
    return {"outcome": f"exit {done.returncode}: {done.stderr.strip().splitlines()[-1][:160] if done.stderr.strip() else ''}",
            "seconds": time.perf_counter() - started}


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        child(*argv[1:4])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--openai-python", required=True, help="python of a venv with openai installed")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds before a scenario is killed")
    parser.add_argument("--only", help="substring of the scenarios to run")
    args = parser.parse_args(argv)
    server = subprocess.Popen([sys.executable, "-m", "tests.servers.faults"], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline() if server.stdout else ""
        base = f"http://127.0.0.1:{int(line.split()[1])}"
        print("| fault | client | outcome | seconds |\n|---|---|---|---|")
        for name in SCENARIOS:
            if args.only and args.only not in name:
                continue
            for kind, python in (("ours", sys.executable), ("openai", args.openai_python)):
                result = _run(python, kind, name, base, args.limit)
                secs = "—" if result["seconds"] is None else f"{result['seconds']:.1f}"
                print(f"| {name} | {kind} | {result['outcome']} | {secs} |", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
