"""Turn the raw rows of a benchmark run into benchmarks/RESULTS.md."""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from typing import Any, Callable, Iterable

MB = 1024 * 1024
PEERS = {"openai", "meetkai", "httpx-sse", "openapi-python-client", "dcg-black", "dcg-builtin"}


def brief(section: str, r: dict[str, Any]) -> str:
    """One progress line while the run goes."""
    if section == "sse":
        flag = "" if r.get("complete") else " INCOMPLETE"
        return f"{r['events_per_s']:,.0f} ev/s, {r['cpu_us_per_event']:.1f} µs CPU/ev, RSS +{r['rss_growth'] / MB:.1f} MB{flag}"
    if section == "warm":
        return f"{r['cpu_us']:.0f} µs CPU/call, {r['median_us']:.0f} µs median ({r['result_type']})"
    if section in ("cold", "first"):
        return f"{r['spawn_to_call_s'] * 1000:.0f} ms to first call, RSS {r['rss_call'] / MB:.1f} MB"
    if section == "concurrent":
        return (f"{r['concurrency']} calls at once: first batch {r['first_batch_s']:.2f}s, "
                f"then {r['warm_batch_s']:.2f}s ({r['result_type']})")
    if section in ("gen", "setup"):
        return f"{r['wall_s']:.2f}s wall, {r['cpu_s']:.2f}s CPU, {r['peak_rss'] / MB:.0f} MiB, rc={r['rc']}"
    return ""


def failed(row: dict[str, Any]) -> bool:
    return "error" in row or row.get("rc", 0) != 0 or (row["section"] == "sse" and not row.get("complete"))


def smoke_failures(rows: list[dict[str, Any]]) -> list[str]:
    """Failures of our own code paths (peers' failures are reported, not fatal)."""
    out = []
    for row in rows:
        if failed(row) and row["variant"] not in PEERS:
            out.append(f"{row['section']} {row['variant']} {row.get('input', '')}: {row.get('error') or row.get('tail', '')[-300:] or 'incomplete'}")
    return out


# --- statistics -------------------------------------------------------------------------------------


def per_round(rows: Iterable[dict[str, Any]], variant: str, metric: Callable[[dict[str, Any]], float], **where: Any) -> dict[int, float]:
    """The metric of ``variant`` in each round (median over repeats within a round)."""
    values: dict[int, list[float]] = defaultdict(list)
    for row in rows:
        if row["variant"] != variant or failed(row) or any(row.get(k) != v for k, v in where.items()):
            continue
        values[row["round"]].append(metric(row))
    return {r: statistics.median(v) for r, v in sorted(values.items())}


def ratios(a: dict[int, float], b: dict[int, float]) -> list[float]:
    return [a[r] / b[r] for r in sorted(a) if r in b and b[r]]


def summary(values: list[float], fmt: str = "{:.2f}") -> str:
    if not values:
        return "—"
    med = statistics.median(values)
    if len(values) == 1:
        return fmt.format(med)
    return f"{fmt.format(med)} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def listing(values: list[float], fmt: str = "{:.2f}") -> str:
    return ", ".join(fmt.format(v) for v in values) if values else "—"


def med(values: dict[int, float] | list[float]) -> float | None:
    vals = list(values.values()) if isinstance(values, dict) else values
    return statistics.median(vals) if vals else None


def _all(rows: list[dict[str, Any]], variant: str, key: str, **where: Any) -> list[float]:
    return [row[key] for row in rows if row["variant"] == variant and not failed(row) and key in row
            and all(row.get(k) == v for k, v in where.items())]


def _variants(rows: list[dict[str, Any]]) -> list[str]:
    seen: list[str] = []
    for row in rows:
        if row["variant"] not in seen:
            seen.append(row["variant"])
    return seen


def _verdict(value: float | None, ok: Callable[[float], bool]) -> str:
    if value is None:
        return "not measured"
    return "**yes**" if ok(value) else "no"


# --- sections -------------------------------------------------------------------------------------


SSE_ORDER = ["ours", "openai", "meetkai", "httpx-sse", "min-lines", "min-bytes"]
SSE_NAMES = {
    "ours": "**ours** `sdk.llm.responses.get(..., stream=True)` (typed)",
    "openai": "openai `responses.retrieve(..., stream=True)` (typed)",
    "meetkai": "meetkai-mka1 `llm.responses.get(..., stream=True)` (typed)",
    "httpx-sse": "httpx-sse `connect_sse().iter_sse()` + json.loads (untyped)",
    "min-lines": "minimal parser: httpx `iter_lines()` + json.loads",
    "min-bytes": "minimal parser: httpx `iter_bytes()` split on blank lines + json.loads",
}
WARM_ORDER = ["ours", "httpx-json", "httpx-pydantic", "openai", "meetkai"]
WARM_NAMES = {
    "ours": "**ours** `sdk.llm.responses.get(response_id=...)`",
    "httpx-json": "raw httpx + json.loads",
    "httpx-pydantic": "raw httpx + our `ResponseObject.model_validate_json`",
    "openai": "openai `client.responses.retrieve(...)`",
    "meetkai": "meetkai-mka1 `sdk.llm.responses.get(...)`",
}
COLD_ORDER = ["bare", "httpx-json", "ours", "anatomy", "openai", "meetkai", "synth-small", "synth-big"]
COLD_NAMES = {
    "bare": "python, nothing imported",
    "httpx-json": "raw httpx + json.loads",
    "ours": "**ours** (MKA1 SDK)",
    "anatomy": "ours, step by step (table below)",
    "openai": "openai",
    "meetkai": "meetkai-mka1",
    "synth-small": "ours, synthetic {small} operations",
    "synth-big": "ours, synthetic {big} operations",
}
GEN_ORDER = ["sdkgen generate (cold)", "sdkgen check (unchanged)", "sdkgen regenerate (one-schema edit)",
             "sdkgen generate (cold, one process, --timings)",
             "openapi-python-client", "dcg-black", "dcg-builtin"]
GEN_NAMES = {
    "sdkgen generate (cold)": "**sdkgen generate** (cold, empty output folder)",
    "sdkgen check (unchanged)": "**sdkgen check** (unchanged spec)",
    "sdkgen regenerate (one-schema edit)": "**sdkgen generate** after a one-schema edit",
    "sdkgen generate (cold, one process, --timings)": "sdkgen generate, cold, in one process (`SDKGEN_JOBS=1`; stages below)",
    "openapi-python-client": "openapi-python-client generate (default ruff hook)",
    "dcg-black": "datamodel-code-generator, models only, black+isort",
    "dcg-builtin": "datamodel-code-generator, models only, `--formatters builtin`",
}


def _order(rows: list[dict[str, Any]], order: list[str]) -> list[str]:
    present = _variants(rows)
    return [v for v in order if v in present] + [v for v in present if v not in order]


ANATOMY_STEPS = [
    ("start", "interpreter start (spawn → the client's first line)", None),
    ("httpx", "`import httpx, json`", "import"),
    ("pydantic", "`import pydantic.main` (pydantic's model machinery)", None),
    ("import", "`from mka1 import SDK` (the runtime core and the resource tree; no models)", None),
    ("ctor", "`SDK(...)`", None),
    ("models", "`models.ResponseObject`: its module and the models it names (classes, validators deferred)", None),
    ("client", "the `httpx.Client` (its TLS context: certifi's CA bundle)", "ctor"),
    ("call", "the first `get`: validators built, pydantic's plugin lookup, request, validation", "call"),
]


def _anatomy(w: Callable[[str], None], cold: list[dict[str, Any]]) -> None:
    """Where our cold start goes, step by step, next to raw httpx's steps."""
    rows = [r for r in cold if r["variant"] == "anatomy" and "steps" in r and "spawn_to_call_s" in r]
    raw = [r for r in cold if r["variant"] == "httpx-json" and "spawn_to_call_s" in r]
    if not rows:
        return
    w("\nWhere our cold start goes (medians over every sample of the `anatomy` run; each step ends where the "
      "next begins; raw httpx's own steps are beside the ones it shares):\n")
    w("| step | ours (ms) | raw httpx + json.loads (ms) |")
    w("|---|---|---|")
    raw_steps = {"import": "import_s", "ctor": "ctor_s", "call": "call_s"}
    for key_, label, raw_key in ANATOMY_STEPS:
        if key_ == "start":
            ours = [r["spawn_to_call_s"] - sum(r["steps"].values()) for r in rows]
            theirs = [r["spawn_to_call_s"] - r["import_s"] - r["ctor_s"] - r["call_s"] for r in raw]
        else:
            ours = [r["steps"][key_] for r in rows if key_ in r["steps"]]
            theirs = [r[raw_steps[raw_key]] for r in raw] if raw_key else []
        w(f"| {label} | {med(ours) * 1000:.1f} | {f'{med(theirs) * 1000:.1f}' if theirs else '—'} |")
    total = med([r["spawn_to_call_s"] for r in rows]) or 0.0
    raw_total = med([r["spawn_to_call_s"] for r in raw]) or 0.0
    w(f"| **spawn → first call** | **{total * 1000:.1f}** | **{raw_total * 1000:.1f}** |")


STAGES_RUN = "sdkgen generate (cold, one process, --timings)"


def _stages(w: Callable[[str], None], sub: list[dict[str, Any]], wall: dict[str, dict[int, float]]) -> None:
    """What each stage of a cold generation costs, from `--timings` of the one-process run
    (validator and black inline, so each stage's wall time is its CPU time), beside the whole
    run of openapi-python-client in the same rounds."""
    rows = [r for r in sub if r["variant"] == STAGES_RUN and r.get("stages") and not r.get("rc")]
    if not rows:
        return
    names: list[str] = []
    for r in rows:
        names += [n for n in r["stages"] if n not in names]
    opc = med(list(wall.get("openapi-python-client", {}).values()))
    w(f"\nWhat each stage of a cold generation costs (`--timings` of the one-process run, median over "
      f"{len(rows)} round(s); the total includes the interpreter and imports before the first stage)"
      + (f"; openapi-python-client's whole run took {opc:.2f} s wall in the same rounds" if opc else "") + ":\n")
    w("| stage | seconds | ÷ openapi-python-client's whole run |")
    w("|---|---|---|")
    for n in names:
        values = [r["stages"][n] for r in rows if n in r["stages"]]
        m = med(values) or 0.0
        w(f"| {n} | {m:.3f} | {f'{m / opc:.2f}' if opc else '—'} |")


FIRST_ORDER = ["first-ours", "first-httpx-sse", "first-min-lines", "first-ours-delta", "first-httpx-sse-delta",
               "ours", "httpx-pydantic"]
FIRST_NAMES = {
    "first-ours": "**ours**: first event of `sdk.llm.responses.get(..., stream=True)` (typed)",
    "first-httpx-sse": "httpx-sse `connect_sse().iter_sse()` + json.loads: first event (untyped)",
    "first-min-lines": "minimal parser: httpx `iter_lines()` + json.loads: first event (untyped)",
    "first-ours-delta": "**ours**, resumed stream (`starting_after=0`): first event, a delta (typed)",
    "first-httpx-sse-delta": "httpx-sse + json.loads, resumed stream: first event, a delta (untyped)",
    "ours": "**ours**: first `sdk.llm.responses.get(response_id=...)`",
    "httpx-pydantic": "by hand: httpx + our `ResponseObject.model_validate_json`: first get",
}
# (ours, baseline, goal label, bound)
FIRST_GOALS = (
    ("first-ours", "first-httpx-sse", "first streamed event in a fresh process ÷ httpx-sse + json.loads (15.5)", 1.6),
    ("first-ours", "first-min-lines", "first streamed event in a fresh process ÷ minimal `iter_lines` parser (15.5)", 1.6),
    ("first-ours-delta", "first-httpx-sse-delta",
     "first streamed event, a delta (resumed stream), fresh process ÷ httpx-sse + json.loads (15.5)", 1.6),
    ("ours", "httpx-pydantic", "cold start to the first `get` ÷ httpx + our `ResponseObject` by hand (15.5)", 1.15),
)


def _first_goals(w: Callable[[str], None], first: list[dict[str, Any]]) -> None:
    spawn = {v: per_round(first, v, lambda r: r["spawn_to_call_s"]) for v in _variants(first)}
    cpu = {v: per_round(first, v, lambda r: r["cpu_to_call_s"]) for v in _variants(first)}
    for ours, base, label, bound in FIRST_GOALS:
        if ours not in spawn or base not in spawn:
            continue
        vals = ratios(spawn[ours], spawn[base])
        w(f"| {label} | ≤ {bound:g} | {summary(vals)} | {_verdict(med(vals), lambda x, b=bound: x <= b)} |")
        vals = ratios(cpu[ours], cpu.get(base, {}))
        w(f"| the same, CPU to it (less noisy) | ≤ {bound:g} | {summary(vals)} | "
          f"{_verdict(med(vals), lambda x, b=bound: x <= b)} |")


def _first_section(w: Callable[[str], None], first: list[dict[str, Any]], s: dict[str, Any]) -> None:
    if not first:
        return
    w("## 6. First streamed event, first get\n")
    w(f"A new process per sample ({s['cold_repeats']} per variant per round, order rotated), as in section 3. "
      "\"Spawn → first\" runs from just before the parent spawns python to the first event in hand (a "
      "12-event stream whose first event is `response.created`, carrying a ResponseObject) or to the first "
      "`get` done; the `-delta` rows resume the stream (`starting_after=0`), so their first event is a small "
      "`response.output_text.delta`. The baselines import what they use; the hand-written `get` uses our own "
      "`ResponseObject` model, so pydantic's import and that model's validator are in both.\n")
    w("| client | spawn → first (s) | import (s) | ctor (s) | request → first (s) | CPU to first (s) | modules |")
    w("|---|---|---|---|---|---|---|")
    for v in _order(first, FIRST_ORDER):
        w(f"| {FIRST_NAMES.get(v, v)} | {summary(_all(first, v, 'spawn_to_call_s'), '{:.3f}')} | "
          f"{summary(_all(first, v, 'import_s'), '{:.3f}')} | {summary(_all(first, v, 'ctor_s'), '{:.3f}')} | "
          f"{summary(_all(first, v, 'call_s'), '{:.3f}')} | {summary(_all(first, v, 'cpu_to_call_s'), '{:.3f}')} | "
          f"{summary(_all(first, v, 'modules'), '{:.0f}')} |")
    w("")


def render(meta: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    s = meta["settings"]
    out: list[str] = []
    w = out.append
    sse = [r for r in rows if r["section"] == "sse"]
    warm = [r for r in rows if r["section"] == "warm"]
    cold = [r for r in rows if r["section"] == "cold"]
    genr = [r for r in rows if r["section"] == "gen"]
    conc = [r for r in rows if r["section"] == "concurrent"]
    first = [r for r in rows if r["section"] == "first"]

    w("# sdkgen benchmarks\n")
    w(f"Written by `{meta['command'].strip()}` ({meta['mode']} run) on {meta['date']}, in "
      f"{meta['seconds'] / 60:.1f} min. Machine: {meta['machine']}. Code: {meta['git']}.\n")
    lb, la = meta["load_before"], meta["load_after"]
    w(f"Machine load (`os.getloadavg()`, 1/5/15 min): before {lb[0]:.2f}/{lb[1]:.2f}/{lb[2]:.2f}, "
      f"after {la[0]:.2f}/{la[1]:.2f}/{la[2]:.2f}. Per round below.\n")
    w("Re-run with `.venv/bin/python -m benchmarks` (see the README's Benchmarks section); the raw "
      "measurements are in the `.json` file next to this one.\n")
    w("The machine is shared and noisy: **read the ratios**, which are taken between variants run "
      "back to back within one round, then summarised as median (min–max over rounds). Absolute "
      "times do not carry to other machines.\n")
    if meta["mode"] == "smoke":
        w("> **Smoke run**: one short round that only proves every code path works. Its figures "
          "mean little.\n")
    if meta["skipped"]:
        w("**Skipped in this run:**\n")
        for item in meta["skipped"]:
            w(f"- {item}")
        w("")

    # ---- goals
    w("## Goals at a glance\n")
    w("| goal (issue) | target | measured: median (min–max over rounds) | met |")
    w("|---|---|---|---|")
    eps = {v: per_round(sse, v, lambda r: r["events_per_s"]) for v in _variants(sse)}
    cpu = {v: per_round(warm, v, lambda r: r["cpu_us"]) for v in _variants(warm)}
    spawn = {v: per_round(cold, v, lambda r: r["spawn_to_call_s"]) for v in _variants(cold)}
    if "ours" in eps:
        for peer, target, label, ok in (
            ("openai", "ours ÷ openai ≥ 1", "SSE events/s vs openai (3, 7)", lambda x: x >= 1),
            ("min-lines", "ours ÷ parser ≥ 0.67 (within 1.5x)", "SSE events/s vs minimal `iter_lines` parser (3)", lambda x: x >= 1 / 1.5),
            ("min-bytes", "ours ÷ parser ≥ 0.67 (within 1.5x)", "SSE events/s vs minimal `iter_bytes` parser (3)", lambda x: x >= 1 / 1.5),
            ("httpx-sse", "ours (typed) ÷ httpx-sse (untyped) ≥ 1", "SSE typed events/s vs httpx-sse (7)", lambda x: x >= 1),
        ):
            vals = ratios(eps["ours"], eps.get(peer, {}))
            w(f"| {label} | {target} | {summary(vals)} | {_verdict(med(vals), ok)} |")
        cpu_ev = {v: per_round(sse, v, lambda r: r["cpu_us_per_event"]) for v in _variants(sse)}
        for peer, bound, label in (("httpx-sse", 1.0, "SSE CPU per event, ours ÷ httpx-sse (less noisy than events/s)"),
                                   ("min-lines", 1.5, "SSE CPU per event, ours ÷ minimal `iter_lines` parser")):
            vals = ratios(cpu_ev["ours"], cpu_ev.get(peer, {}))
            w(f"| {label} | ≤ {bound:g} | {summary(vals)} | {_verdict(med(vals), lambda x, b=bound: x <= b)} |")
        growth = _all(sse, "ours", "rss_growth")
        w(f"| SSE memory flat over the stream (3, 7) | RSS growth from 10% to the end < 1 MB | "
          f"{summary([g / MB for g in growth], '{:.2f} MB')} | {_verdict(med(growth), lambda x: x < MB)} |")
    if "ours" in cpu:
        for peer, target, label, ok in (
            ("httpx-json", "≤ 1.2", "warm CPU per call ÷ raw httpx + json.loads (7)", lambda x: x <= 1.2),
            ("httpx-pydantic", "≤ 1.25", "warm CPU per call ÷ raw httpx + pydantic (4)", lambda x: x <= 1.25),
            ("openai", "< 1", "warm CPU per call ÷ openai (4)", lambda x: x < 1),
            ("meetkai", "< 1", "warm CPU per call ÷ meetkai-mka1 (4)", lambda x: x < 1),
        ):
            vals = ratios(cpu["ours"], cpu.get(peer, {}))
            w(f"| {label} | {target} | {summary(vals)} | {_verdict(med(vals), ok)} |")
    for key, label in (("first_batch_s", "new connections"), ("warm_batch_s", "connections reused")):
        wall = {v: per_round(conc, v, lambda r, k=key: r[k]) for v in _variants(conc)}
        if "ours" in wall:
            vals = ratios(wall["ours"], wall.get("openai", {}))
            w(f"| {s.get('concurrency', 500)} concurrent async calls, wall ÷ openai's, {label} (13) | ≤ 1 | "
              f"{summary(vals)} | {_verdict(med(vals), lambda x: x <= 1)} |")
    if "ours" in spawn:
        vals = ratios(spawn["ours"], spawn.get("httpx-json", {}))
        w(f"| cold start ÷ raw httpx + json.loads (7) | ≤ 1.5 | {summary(vals)} | {_verdict(med(vals), lambda x: x <= 1.5)} |")
        cpu_cold = {v: per_round(cold, v, lambda r: r["cpu_to_call_s"]) for v in ("ours", "httpx-json")}
        vals = ratios(cpu_cold["ours"], cpu_cold["httpx-json"])
        w(f"| cold start, CPU to first call ÷ raw httpx's (less noisy) | ≤ 1.5 | {summary(vals)} | {_verdict(med(vals), lambda x: x <= 1.5)} |")
        rss_ours = per_round(cold, "ours", lambda r: r["rss_call"])
        rss_httpx = per_round(cold, "httpx-json", lambda r: r["rss_call"])
        diffs = [(rss_ours[r] - rss_httpx[r]) / MB for r in rss_ours if r in rss_httpx]
        w(f"| RSS after import + first call − bare httpx's (7) | ≤ 20 MB | {summary(diffs, '{:.1f} MB')} | "
          f"{_verdict(med(diffs), lambda x: x <= 20)} |")
        if "synth-big" in spawn and "synth-small" in spawn:
            call_big = per_round(cold, "synth-big", lambda r: r["import_s"] + r["ctor_s"] + r["call_s"])
            call_small = per_round(cold, "synth-small", lambda r: r["import_s"] + r["ctor_s"] + r["call_s"])
            vals = ratios(call_big, call_small)
            w(f"| first call independent of API size (7): {s['synthetic_ops']}-op ÷ {s['synthetic_small_ops']}-op SDK, "
              f"import + first call | ≈ 1 (≤ 1.2) | {summary(vals)} | {_verdict(med(vals), lambda x: x <= 1.2)} |")
    _first_goals(w, first)
    for spec in s["gen_inputs"]:
        name = spec.rsplit("/", 1)[-1]
        wall = {v: per_round(genr, v, lambda r: r["wall_s"], input=name) for v in _variants(genr)}
        cold_gen = wall.get("sdkgen generate (cold)", {})
        if not cold_gen:
            continue
        vals = ratios(cold_gen, wall.get("openapi-python-client", {}))
        w(f"| generation of `{name}`: sdkgen ÷ openapi-python-client, wall (5, 7) | < 1 | {summary(vals)} | "
          f"{_verdict(med(vals), lambda x: x < 1)} |")
        speed = ratios(cold_gen, wall.get("sdkgen regenerate (one-schema edit)", {}))
        w(f"| `{name}`: cold ÷ regeneration after a one-schema edit (7) | ≥ 5 | {summary(speed)} | "
          f"{_verdict(med(speed), lambda x: x >= 5)} |")
        chk_rows = [r for r in genr if r["variant"] == "sdkgen check (unchanged)" and r.get("input") == name and "wall_s" in r]
        chk = [r["wall_s"] for r in chk_rows]
        drift = sum(1 for r in chk_rows if r.get("rc"))
        note = f" (exit 1, drift reported, in {drift} of {len(chk_rows)} runs)" if drift else ""
        w(f"| `{name}`: `sdkgen check` on the unchanged spec (7) | < 1 s | {summary(chk, '{:.2f} s')}{note} | "
          f"{_verdict(med(chk), lambda x: x < 1)} |")
    w("")

    # ---- SSE
    if sse:
        w("## 1. SSE throughput\n")
        w(f"One stream per client per round: `response.created`, {s['events']:,} small "
          "`response.output_text.delta` events in MKA1's shape, `response.completed` "
          f"(meetkai-mka1: {s['meetkai_events']:,} deltas, as it reads about 350 events/s). The server sends "
          f"{meta['events_per_chunk']} events per HTTP chunk. Each client first reads a 10-event stream in the same "
          "process (imports and first-use costs stay out), then the measured one; the clock runs from the "
          "request to the last event. RSS growth is from 10% of the stream to its end.\n")
        w("| client | events/s | CPU µs/event | RSS at end | RSS growth | ours ÷ this (events/s), per round | median (min–max) |")
        w("|---|---|---|---|---|---|---|")
        for v in _order(sse, SSE_ORDER):
            r_eps = eps.get(v, {})
            rat = ratios(eps.get("ours", {}), r_eps) if v != "ours" else []
            incomplete = [row for row in sse if row["variant"] == v and failed(row)]
            note = f" ({len(incomplete)} failed/incomplete)" if incomplete else ""
            w(f"| {SSE_NAMES.get(v, v)}{note} | {summary(list(r_eps.values()), '{:,.0f}')} | "
              f"{summary(_all(sse, v, 'cpu_us_per_event'), '{:.1f}')} | "
              f"{summary([x / MB for x in _all(sse, v, 'rss_end')], '{:.1f} MB')} | "
              f"{summary([x / MB for x in _all(sse, v, 'rss_growth')], '{:+.2f} MB')} | "
              f"{listing(rat) if v != 'ours' else '—'} | {summary(rat) if v != 'ours' else '—'} |")
        classes = sorted({row.get("delta_class") for row in sse if row["variant"] == "ours" and row.get("delta_class")})
        if classes:
            w(f"\nOur stream yields `{', '.join(classes)}` for delta events (validated into the event union).\n")

    # ---- warm
    if warm:
        w("## 2. Warm per-call overhead\n")
        w(f"One fresh process per client per round: {s['warmup']} untimed calls, then {s['calls']:,} timed "
          "sequential calls of GET /api/v1/llm/responses/{id} returning the seed's ResponseObject (926 bytes). "
          "CPU is `time.process_time()` of the client process (the server runs in another process).\n")
        w("| client | CPU µs/call | wall µs/call (median latency) | p99 µs | ÷ raw httpx + json.loads (CPU), per round | median (min–max) | ours ÷ this (CPU) |")
        w("|---|---|---|---|---|---|---|")
        for v in _order(warm, WARM_ORDER):
            to_floor = ratios(cpu.get(v, {}), cpu.get("httpx-json", {}))
            ours_to = ratios(cpu.get("ours", {}), cpu.get(v, {})) if v != "ours" else []
            w(f"| {WARM_NAMES.get(v, v)} | {summary(list(cpu.get(v, {}).values()), '{:,.0f}')} | "
              f"{summary(_all(warm, v, 'median_us'), '{:,.0f}')} | {summary(_all(warm, v, 'p99_us'), '{:,.0f}')} | "
              f"{listing(to_floor)} | {summary(to_floor)} | {summary(ours_to) if ours_to else '—'} |")
        w("")

    # ---- cold
    if cold:
        w("## 3. Cold start and memory\n")
        w(f"A new process per sample ({s['cold_repeats']} per client per round, order rotated), `.pyc` files "
          "present and disk cache warm (each client ran once before the rounds). \"Spawn → first call\" runs from "
          "just before the parent spawns python to the end of the first `get`; the ratio is to raw httpx in the "
          "same round. RSS is the process's resident set (`/proc/self/statm`).\n")
        w("| client | spawn → first call (s) | ÷ raw httpx, per round | median (min–max) | import (s) | client ctor (s) | first call (s) | exit (s) | CPU to first call (s) | RSS after import | RSS after first call | − httpx's | modules |")
        w("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        rss_httpx = med(_all(cold, "httpx-json", "rss_call"))
        for v in _order(cold, COLD_ORDER):
            rat = ratios(spawn.get(v, {}), spawn.get("httpx-json", {}))
            rss_call = med(_all(cold, v, "rss_call"))
            delta = f"{(rss_call - rss_httpx) / MB:+.1f} MB" if rss_call is not None and rss_httpx is not None else "—"
            name = COLD_NAMES.get(v, v).format(small=s["synthetic_small_ops"], big=s["synthetic_ops"])
            w(f"| {name} | {summary(list(spawn.get(v, {}).values()), '{:.3f}')} | {listing(rat)} | {summary(rat)} | "
              f"{summary(_all(cold, v, 'import_s'), '{:.3f}')} | {summary(_all(cold, v, 'ctor_s'), '{:.3f}')} | "
              f"{summary(_all(cold, v, 'call_s'), '{:.3f}')} | {summary(_all(cold, v, 'exit_s'), '{:.3f}')} | "
              f"{summary(_all(cold, v, 'cpu_to_call_s'), '{:.3f}')} | "
              f"{summary([x / MB for x in _all(cold, v, 'rss_import')], '{:.1f} MB')} | "
              f"{summary([x / MB for x in _all(cold, v, 'rss_call')], '{:.1f} MB')} | {delta} | "
              f"{summary(_all(cold, v, 'modules'), '{:.0f}')} |")
        _anatomy(w, cold)
        synth = meta["setup"].get("synthetic", {})
        if synth:
            w("\nThe synthetic SDKs were generated by sdkgen from `benchmarks/synth_spec.py` documents "
              "(one model per operation, 20 operations per resource group; the first call goes to an operation in "
              "the middle of the API): " + "; ".join(
                  f"{info['ops']} operations: generated in {info['wall_s']:.1f} s wall, {info['peak_rss'] / MB:.0f} MiB"
                  f"{'' if info['rc'] == 0 else ' (FAILED)'}" for info in synth.values()) + ".\n")
        else:
            w("")

    # ---- generation
    if genr:
        w("## 4. Generation\n")
        w("Each tool runs as a child process on a copy of the input in a fresh folder; wall time, CPU "
          "(user+sys, children included) and peak RSS (largest process, from `os.wait4`) are its own. "
          "sdkgen runs as `python -m generator generate SPEC -o OUT --package-name NAME -q` (same as "
          "`sdkgen generate`), from a scratch folder with a fresh `XDG_CACHE_HOME` per round (a snapshot of generator/ and templates/ taken at the start, on `PYTHONPATH`); its `check` and the regeneration "
          "after a one-schema edit (one property added to one component schema, as a text edit) reuse that "
          "round's output folder.\n")
        for spec in s["gen_inputs"]:
            name = spec.rsplit("/", 1)[-1]
            sub = [r for r in genr if r.get("input") == name]
            if not sub:
                continue
            wall = {v: per_round(sub, v, lambda r: r["wall_s"]) for v in _variants(sub)}
            cold_gen = wall.get("sdkgen generate (cold)", {})
            w(f"### `{name}`\n")
            w("| tool | wall (s) | CPU (s) | peak RSS | exit codes | sdkgen cold ÷ this (wall), per round | median (min–max) |")
            w("|---|---|---|---|---|---|---|")
            for v in _order(sub, GEN_ORDER):
                rows_v = [r for r in sub if r["variant"] == v]
                codes = sorted({r.get("rc") for r in rows_v if "rc" in r})
                all_wall = [r["wall_s"] for r in rows_v if "wall_s" in r]
                rat = ratios(cold_gen, wall.get(v, {})) if v != "sdkgen generate (cold)" else []
                w(f"| {GEN_NAMES.get(v, v)} | {summary(all_wall)} | {summary([r['cpu_s'] for r in rows_v if 'cpu_s' in r])} | "
                  f"{summary([r['peak_rss'] / MB for r in rows_v if 'peak_rss' in r], '{:.0f} MiB')} | "
                  f"{', '.join(str(c) for c in codes) or '—'} | {listing(rat)} | {summary(rat)} |")
            _stages(w, sub, wall)
            dropped = sorted({r["matches"] for r in sub if r["variant"] == "openapi-python-client" and r.get("matches")})
            if dropped:
                w(f"\nopenapi-python-client printed \"Endpoint will not be generated\" {', '.join(map(str, dropped))} "
                  "time(s): it exits 0 without those operations, so its time is for a smaller SDK.\n")
            fails = [r for r in sub if r.get("rc")]
            seen: dict[tuple[str, int], list[int]] = {}
            for r in fails:
                seen.setdefault((r["variant"], r["rc"]), []).append(r["round"] + 1)
            for (variant, rc), rounds_failed in seen.items():
                first = next(r for r in fails if r["variant"] == variant and r["rc"] == rc)
                tail = re.sub(r"/tmp/\S+", "…", " ".join((first.get("tail") or "").split()))[-240:]
                w(f"- {variant} exited {rc} in round(s) {', '.join(map(str, rounds_failed))}: `{tail}`")
            w("\n(Wall times of failed runs are still shown: they are how long the tool took to fail.)\n"
              if fails else "")

    # ---- first event, first get
    _first_section(w, first, s)

    # ---- rounds, versions
    w("## Rounds and machine load\n")
    w("| round | seconds | load before (1/5/15 min) | load after |")
    w("|---|---|---|---|")
    for info in meta["rounds"]:
        b, a = info["load_before"], info["load_after"]
        w(f"| {info['round'] + 1} | {info['seconds']:.0f} | {b[0]:.2f} / {b[1]:.2f} / {b[2]:.2f} | {a[0]:.2f} / {a[1]:.2f} / {a[2]:.2f} |")
    w("")
    w("## Versions\n")
    w("| venv | packages |")
    w("|---|---|")
    for name, versions in meta["versions"].items():
        if versions:
            w(f"| {name} | {', '.join(f'{k} {v}' for k, v in versions.items())} |")
    w(f"\nsdkgen: this checkout ({meta['git']}), run with the project's `.venv` python. Settings: "
      + ", ".join(f"{k}={v}" for k, v in s.items() if k != "gen_inputs") + ".\n")
    return "\n".join(out).rstrip() + "\n"
