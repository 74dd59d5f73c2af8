"""One measured client run, in a fresh process: ``python client.py KIND VARIANT BASE_URL [ARGS]``
(KIND: cold, warm, sse, concurrent).

Run by ``benchmarks/run.py`` with the python of the variant's own venv. Prints one line
``RESULT {json}`` at the end. Only public APIs of each SDK are used.

KIND is ``cold`` (process start -> first call done), ``warm`` (CPU per call after warm-up) or
``sse`` (events/s and RSS over one long stream). Nothing but ``sys`` and ``time`` is imported
before a cold run's clock starts, so every variant pays the same fixed cost. The ``anatomy``
variant also calls one private method of ours, to time the creation of the HTTP client apart.
"""

import sys
import time

T_START = time.time()  # the parent records its own clock just before spawning us
TOKEN = "bench-token"
RESPONSE_ID = "resp_get123"


def rss_bytes() -> int:
    with open("/proc/self/statm", "rb") as f:
        return int(f.read().split()[1]) * PAGE


import os  # noqa: E402 (already loaded by the interpreter: free)

PAGE = os.sysconf("SC_PAGE_SIZE")


def peak_rss_bytes() -> int:
    with open("/proc/self/status", "rb") as f:
        for line in f:
            if line.startswith(b"VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


# --- the variants -------------------------------------------------------------------------
# Each cold variant calls mark("import"), mark("ctor"), mark("call") in order.


def cold_bare(base, mark, extra):
    mark("import")
    mark("ctor")
    mark("call")


def cold_httpx_json(base, mark, extra):
    import json

    import httpx

    mark("import")
    client = httpx.Client()
    mark("ctor")
    data = json.loads(client.get(f"{base}/api/v1/llm/responses/{RESPONSE_ID}").content)
    assert data["id"] == RESPONSE_ID
    mark("call")


def cold_ours(base, mark, extra):
    from mka1 import SDK

    mark("import")
    sdk = SDK(bearer_auth=TOKEN, server_url=base)
    mark("ctor")
    res = sdk.llm.responses.get(response_id=RESPONSE_ID)
    assert res.id == RESPONSE_ID
    mark("call")


def cold_anatomy(base, mark, extra):
    """Our cold start cut into steps (each mark is where one ends), to show where it goes:
    the same work as ``cold_ours``, with the imports the SDK makes done one by one first."""
    import json  # noqa: F401

    import httpx  # noqa: F401

    mark("httpx")
    import pydantic.main  # noqa: F401  (what `import pydantic` defers until BaseModel is used)

    mark("pydantic")
    from mka1 import SDK

    mark("import")
    sdk = SDK(bearer_auth=TOKEN, server_url=base)
    mark("ctor")
    from mka1 import models

    models.ResponseObject  # noqa: B018  (its module and the models it names: classes, no validators yet)
    mark("models")
    sdk._core._get_client()  # the httpx.Client (TLS context included) the first call would make
    mark("client")
    res = sdk.llm.responses.get(response_id=RESPONSE_ID)
    assert res.id == RESPONSE_ID
    mark("call")


def cold_httpx_pydantic(base, mark, extra):
    """The same first ``get`` written by hand: httpx and the SDK's own ``ResponseObject``."""
    import httpx
    from mka1.models import ResponseObject

    mark("import")
    client = httpx.Client()
    mark("ctor")
    res = ResponseObject.model_validate_json(client.get(f"{base}/api/v1/llm/responses/{RESPONSE_ID}").content)
    assert res.id == RESPONSE_ID
    mark("call")


# First streamed event in a fresh process ("call" is the first event in hand).


def cold_first_ours(base, mark, extra):
    from mka1 import SDK

    mark("import")
    sdk = SDK(bearer_auth=TOKEN, server_url=base)
    mark("ctor")
    stream = sdk.llm.responses.get(response_id="resp_n10", stream=True)
    first = next(iter(stream))
    assert first.type == "response.created", first
    mark("call")
    stream.close()


def cold_first_ours_delta(base, mark, extra):
    """A resumed stream (``starting_after=0``): its first event is a ``response.output_text.delta``."""
    from mka1 import SDK

    mark("import")
    sdk = SDK(bearer_auth=TOKEN, server_url=base)
    mark("ctor")
    stream = sdk.llm.responses.get(response_id="resp_n10", stream=True, starting_after=0)
    first = next(iter(stream))
    assert first.type == "response.output_text.delta", first
    mark("call")
    stream.close()


def cold_first_httpx_sse_delta(base, mark, extra):
    import json

    import httpx
    from httpx_sse import connect_sse

    mark("import")
    client = httpx.Client()
    mark("ctor")
    params = {"stream": "true", "starting_after": "0"}
    with connect_sse(client, "GET", f"{base}/api/v1/llm/responses/resp_n10", params=params) as source:
        first = json.loads(next(iter(source.iter_sse())).data)
        assert first["type"] == "response.output_text.delta", first
        mark("call")


def cold_first_httpx_sse(base, mark, extra):
    import json

    import httpx
    from httpx_sse import connect_sse

    mark("import")
    client = httpx.Client()
    mark("ctor")
    with connect_sse(client, "GET", f"{base}/api/v1/llm/responses/resp_n10", params={"stream": "true"}) as source:
        first = json.loads(next(iter(source.iter_sse())).data)
        assert first["type"] == "response.created", first
        mark("call")


def cold_first_min_lines(base, mark, extra):
    import json

    import httpx

    mark("import")
    client = httpx.Client()
    mark("ctor")
    with client.stream("GET", f"{base}/api/v1/llm/responses/resp_n10", params={"stream": "true"}) as response:
        for line in response.iter_lines():
            if line.startswith("data:"):
                first = json.loads(line[5:])
                break
        assert first["type"] == "response.created", first
        mark("call")


def cold_openai(base, mark, extra):
    import openai

    mark("import")
    client = openai.OpenAI(api_key=TOKEN, base_url=f"{base}/api/v1/llm")
    mark("ctor")
    res = client.responses.retrieve(RESPONSE_ID)
    assert res.id == RESPONSE_ID
    mark("call")


def cold_meetkai(base, mark, extra):
    from meetkai_mka1 import SDK  # the distribution meetkai-mka1; `mka1` is its alias

    mark("import")
    sdk = SDK(bearer_auth=TOKEN, server_url=base)
    mark("ctor")
    res = sdk.llm.responses.get(response_id=RESPONSE_ID)
    assert res.id == RESPONSE_ID
    mark("call")


def cold_synthetic(base, mark, extra):
    """An SDK generated from a synthetic spec: ``extra`` is ``package:group.method``."""
    import importlib

    package, _, path = extra.partition(":")
    SDK = importlib.import_module(package).SDK
    mark("import")
    sdk = SDK(server_url=base)
    mark("ctor")
    target = sdk
    for part in path.split("."):
        target = getattr(target, part)
    res = target(thing_id="thing_1")
    assert res.id == "thing_1"
    mark("call")


# Each warm variant returns (call, close); call() makes one request and returns its result.


def warm_httpx_json(base):
    import json

    import httpx

    client = httpx.Client()
    url = f"{base}/api/v1/llm/responses/{RESPONSE_ID}"
    return (lambda: json.loads(client.get(url).content)), client.close


def warm_httpx_pydantic(base):
    import httpx
    from mka1.models import ResponseObject  # our generated model, validated in full

    client = httpx.Client()
    url = f"{base}/api/v1/llm/responses/{RESPONSE_ID}"
    validate = ResponseObject.model_validate_json
    return (lambda: validate(client.get(url).content)), client.close


def warm_ours(base):
    from mka1 import SDK

    sdk = SDK(bearer_auth=TOKEN, server_url=base)
    get = sdk.llm.responses.get
    return (lambda: get(response_id=RESPONSE_ID)), sdk.close


def warm_openai(base):
    import openai

    client = openai.OpenAI(api_key=TOKEN, base_url=f"{base}/api/v1/llm")
    retrieve = client.responses.retrieve
    return (lambda: retrieve(RESPONSE_ID)), client.close


def warm_meetkai(base):
    from meetkai_mka1 import SDK

    sdk = SDK(bearer_auth=TOKEN, server_url=base)
    get = sdk.llm.responses.get
    return (lambda: get(response_id=RESPONSE_ID)), (lambda: None)


# Each SSE variant sets up its client and returns (open, close): open(n) starts one stream of
# ``n`` deltas (plus response.created and response.completed) and returns (events, done), an
# iterator over its events and the function that closes it.


def _sdk_stream(stream):
    return iter(stream), getattr(stream, "close", lambda: None)


def sse_ours(base):
    from mka1 import SDK

    sdk = SDK(bearer_auth=TOKEN, server_url=base)
    get = sdk.llm.responses.get
    return (lambda n: _sdk_stream(get(response_id=f"resp_n{n}", stream=True))), sdk.close


def sse_openai(base):
    import openai

    client = openai.OpenAI(api_key=TOKEN, base_url=f"{base}/api/v1/llm")
    retrieve = client.responses.retrieve
    return (lambda n: _sdk_stream(retrieve(f"resp_n{n}", stream=True))), client.close


def sse_meetkai(base):
    from meetkai_mka1 import SDK

    sdk = SDK(bearer_auth=TOKEN, server_url=base)
    get = sdk.llm.responses.get
    return (lambda n: _sdk_stream(get(response_id=f"resp_n{n}", stream=True))), (lambda: None)


def _httpx_stream(client, base, n):
    ctx = client.stream("GET", f"{base}/api/v1/llm/responses/resp_n{n}", params={"stream": "true"})
    return ctx.__enter__(), (lambda: ctx.__exit__(None, None, None))


def sse_httpx_sse(base):
    """httpx-sse: spec-conformant SSE parsing, untyped (``json.loads`` of each data field)."""
    import json

    import httpx
    from httpx_sse import connect_sse

    client = httpx.Client()

    def open_stream(n):
        ctx = connect_sse(
            client, "GET", f"{base}/api/v1/llm/responses/resp_n{n}", params={"stream": "true"}
        )
        source = ctx.__enter__()

        def events():
            loads = json.loads
            for sse in source.iter_sse():
                yield loads(sse.data)

        return events(), (lambda: ctx.__exit__(None, None, None))

    return open_stream, client.close


def sse_min_lines(base):
    """The floor: httpx ``iter_lines`` and ``json.loads`` of each ``data:`` line."""
    import json

    import httpx

    client = httpx.Client()

    def open_stream(n):
        response, done = _httpx_stream(client, base, n)

        def events():
            loads = json.loads
            for line in response.iter_lines():
                if line.startswith("data:"):
                    yield loads(line[5:])

        return events(), done

    return open_stream, client.close


def sse_min_bytes(base):
    """The floor: httpx ``iter_bytes``, split on blank lines, ``json.loads`` of the data line."""
    import json

    import httpx

    client = httpx.Client()

    def open_stream(n):
        response, done = _httpx_stream(client, base, n)

        def events():
            loads = json.loads
            buffer = b""
            for chunk in response.iter_bytes():
                buffer += chunk
                *blocks, buffer = buffer.split(b"\n\n")
                for block in blocks:
                    start = block.find(b"data:")
                    if start >= 0:
                        yield loads(block[start + 5 :])

        return events(), done

    return open_stream, client.close


# Each concurrent variant sets up an async client inside the running loop and returns
# (call, aclose): call() is a coroutine making one request.


def conc_ours(base):
    from mka1 import SDK

    sdk = SDK(bearer_auth=TOKEN, server_url=base)
    get = sdk.llm.responses.get_async
    return (lambda: get(response_id=RESPONSE_ID)), sdk.aclose


def conc_openai(base):
    import openai

    client = openai.AsyncOpenAI(api_key=TOKEN, base_url=f"{base}/api/v1/llm")
    retrieve = client.responses.retrieve
    return (lambda: retrieve(RESPONSE_ID)), client.close


# --- the measurements ---------------------------------------------------------------------


def run_cold(variant, base, extra):
    marks = {}

    def mark(name):
        marks[name] = (time.time(), time.process_time(), rss_bytes())

    globals()["cold_" + variant.replace("-", "_")](base, mark, extra)
    done_wall, done_cpu, rss_call = marks["call"]
    steps, last = {}, T_START
    for name, (wall, _cpu, _rss) in marks.items():  # dicts keep the order the marks were made in
        steps[name] = wall - last
        last = wall
    return {
        "steps": steps,
        "t_start": T_START,
        "t_done": done_wall,
        "import_s": marks["import"][0] - T_START,
        "ctor_s": marks["ctor"][0] - marks["import"][0],
        "call_s": done_wall - marks["ctor"][0],
        "cpu_to_call_s": done_cpu,
        "rss_import": marks["import"][2],
        "rss_call": rss_call,
        "peak_rss": peak_rss_bytes(),
        "modules": len(sys.modules),
    }


def run_warm(variant, base, calls, warmup):
    call, close = globals()["warm_" + variant.replace("-", "_")](base)
    first = call()
    kind = type(first).__name__
    for _ in range(warmup):
        call()
    perf = time.perf_counter
    latencies = []
    append = latencies.append
    cpu0 = time.process_time()
    wall0 = perf()
    for _ in range(calls):
        t = perf()
        call()
        append(perf() - t)
    wall = perf() - wall0
    cpu = time.process_time() - cpu0
    close()
    latencies.sort()
    return {
        "calls": calls,
        "result_type": kind,
        "cpu_us": cpu / calls * 1e6,
        "wall_us": wall / calls * 1e6,
        "median_us": latencies[len(latencies) // 2] * 1e6,
        "p99_us": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1e6,
        "peak_rss": peak_rss_bytes(),
    }


def _event_type(event):
    if isinstance(event, dict):
        return event.get("type")
    kind = getattr(event, "type", None)
    if kind is None:  # meetkai-mka1 wraps each event: .event (SSE name) and .data (the payload)
        kind = getattr(getattr(event, "data", None), "type", None) or getattr(event, "event", None)
    return kind


def run_sse(variant, base, n):
    open_stream, close_client = globals()["sse_" + variant.replace("-", "_")](base)
    # A short stream first, so one-time costs (lazy imports, first validation) stay out.
    events, close = open_stream(10)
    warm = sum(1 for _ in events)
    close()
    assert warm == 12, f"warm-up stream gave {warm} events"
    rss_before = rss_bytes()
    cpu0 = time.process_time()
    wall0 = time.perf_counter()
    events, close = open_stream(n)
    expected = n + 2
    step = max(1, expected // 10)
    next_sample = step
    samples = []
    count = 0
    delta_class = None
    last = None
    for last in events:
        count += 1
        if count == next_sample:
            next_sample += step
            samples.append(rss_bytes())
            if delta_class is None:
                delta_class = type(last).__module__ + "." + type(last).__qualname__
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    rss_end = rss_bytes()
    close()
    close_client()
    return {
        "events": count,
        "expected": expected,
        "complete": count == expected and _event_type(last) == "response.completed",
        "delta_class": delta_class,
        "events_per_s": count / wall if wall else 0.0,
        "cpu_us_per_event": cpu / count * 1e6 if count else 0.0,
        "wall_s": wall,
        "rss_before": rss_before,
        "rss_at_10pct": samples[0] if samples else rss_end,
        "rss_end": rss_end,
        "rss_max_sampled": max(samples + [rss_end]),
        "rss_growth": rss_end - (samples[0] if samples else rss_end),
        "peak_rss": peak_rss_bytes(),
    }


def run_concurrent(variant, base, n, batches):
    """``n`` calls at once (``asyncio.gather``), ``batches`` times in one event loop: the first
    batch opens the connections, the others reuse them."""
    import asyncio

    async def main():
        call, aclose = globals()["conc_" + variant.replace("-", "_")](base)
        walls = []
        kind = None
        for _ in range(batches):
            started = time.perf_counter()
            results = await asyncio.gather(*(call() for _ in range(n)))
            walls.append(time.perf_counter() - started)
            kind = type(results[0]).__name__
        await aclose()
        return walls, kind

    cpu0 = time.process_time()
    walls, kind = asyncio.run(main())
    warm = sorted(walls[1:]) or walls
    return {
        "concurrency": n,
        "batches": batches,
        "result_type": kind,
        "first_batch_s": walls[0],
        "warm_batch_s": warm[len(warm) // 2],
        "batches_s": walls,
        "cpu_s": time.process_time() - cpu0,
        "peak_rss": peak_rss_bytes(),
    }


def main(argv):
    kind, variant, base = argv[:3]
    rest = argv[3:]
    if kind == "cold":
        result = run_cold(variant, base, rest[0] if rest else "")
    elif kind == "warm":
        result = run_warm(variant, base, int(rest[0]), int(rest[1]))
    elif kind == "sse":
        result = run_sse(variant, base, int(rest[0]))
    elif kind == "concurrent":
        result = run_concurrent(variant, base, int(rest[0]), int(rest[1]))
    else:
        raise SystemExit(f"unknown kind {kind!r}")
    import json

    sys.stdout.write("RESULT " + json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
