"""Generation benchmark helpers: run one generator as a child process and read its wall time,
CPU time and peak memory from ``os.wait4`` (the child's own rusage, so the numbers of one run
never mix with another's); and the one-schema edit used to time regeneration."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any


def run_tool(cmd: list[str], *, cwd: Path, env: dict[str, str], timeout: float,
             count: bytes | None = None, timings: bool = False) -> dict[str, Any]:
    """Run ``cmd``; wall s, CPU s (user+sys, with waited-for children), peak RSS, exit code, and
    how often ``count`` occurs in its output."""
    log = Path(cwd) / f".bench-{os.getpid()}-{time.monotonic_ns()}.log"
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    output = log.read_bytes()
    tail = output[-1500:].decode("utf-8", "replace")
    log.unlink()
    return {
        **({"stages": parse_timings(output.decode("utf-8", "replace"))} if timings else {}),
        "matches": output.count(count) if count else None,
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss": usage.ru_maxrss * 1024,  # largest process of the tree, in bytes
        "rc": proc.returncode,
        "timed_out": wall >= timeout,
        "tail": tail if proc.returncode else "",
    }


_STAGE = re.compile(r"^  (\S.*?)\s+(\d+\.\d{3})(?:\s+\((.*)\))?$")


def parse_timings(text: str) -> dict[str, float]:
    """Stage → seconds from the table `sdkgen generate --timings` prints (`generator/timings.py`)."""
    stages: dict[str, float] = {}
    inside = False
    for line in text.splitlines():
        if line.startswith("sdkgen: timings"):
            inside = True
            continue
        match = _STAGE.match(line) if inside else None
        if match is None:
            inside = inside and line.startswith("  ")
            continue
        stages[match.group(1)] = float(match.group(2))
    return stages


def _load(text: str, suffix: str) -> Any:
    if suffix == ".json":
        return json.loads(text)
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def one_schema_edit(text: str, suffix: str) -> tuple[str, str]:
    """Add one property to one component schema, as a text edit of the document (so the rest
    of the file stays byte-identical). Returns (edited text, schema name)."""
    doc = _load(text, suffix)
    schemas = (doc.get("components") or {}).get("schemas") or doc.get("definitions") or {}
    candidates = sorted(
        name for name, s in schemas.items() if isinstance(s, dict) and s.get("properties")
    )
    if not candidates:
        raise ValueError("no component schema with properties to edit")
    # Try from the middle outwards: an ordinary schema, not the first or last one.
    order = sorted(candidates, key=lambda n: abs(candidates.index(n) - len(candidates) // 2))
    lines = text.splitlines(keepends=True)
    for name in order:
        if suffix == ".json":
            head = re.compile(r'^(\s*)"' + re.escape(name) + r'"\s*:\s*\{\s*$')
            props = re.compile(r'^(\s*)"properties"\s*:\s*\{\s*$')
        else:
            head = re.compile(r"^(\s*)" + re.escape(name) + r":\s*$")
            props = re.compile(r"^(\s*)properties:\s*$")
        for i, line in enumerate(lines):
            match = head.match(line)
            if not match:
                continue
            indent = len(match.group(1))
            for k in range(i + 1, len(lines)):
                body = lines[k]
                if body.strip() and len(body) - len(body.lstrip()) <= indent:
                    break  # left the schema
                found = props.match(body)
                if found and len(found.group(1)) > indent:
                    pad = " " * (len(found.group(1)) + 2)
                    if suffix == ".json":
                        new = f'{pad}"bench_edit": {{"type": "string", "description": "Added by the benchmark."}},\n'
                    else:
                        new = f"{pad}bench_edit: {{type: string, description: Added by the benchmark.}}\n"
                    edited = "".join(lines[: k + 1] + [new] + lines[k + 1 :])
                    check = _load(edited, suffix)
                    got = (check.get("components") or {}).get("schemas") or check.get("definitions")
                    if "bench_edit" in (got[name].get("properties") or {}):
                        return edited, name
                    break
    raise ValueError("could not place a one-schema edit in this document")
