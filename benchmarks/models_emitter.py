"""Time of sdkgen's own model emitter against datamodel-code-generator + black.

``python -m benchmarks.models_emitter [--rounds N]``: for each input, the median over rounds of
(a) ``pydantic_models.emit_models`` and (b) ``models.generate_models`` then ``format_python``
(the old path's models module, black in this process, no cache), after one warm-up round
(imports of datamodel-code-generator and black are left out of both). Prints one line per input.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from generator.emit.format import format_python
from generator.emit.models import generate_models
from generator.emit.pydantic_models import emit_models
from generator.ir import build
from generator.loading.load import load

ROOT = Path(__file__).resolve().parent.parent
INPUTS = (
    ("keycloak-admin.json", ROOT / "tests" / "corpus" / "documents" / "keycloak-admin.json", "keycloak_sdk"),
    ("spotify-web-api.yaml", ROOT / "tests" / "corpus" / "documents" / "spotify-web-api.yaml", "spotify_sdk"),
    ("mka1.yaml", ROOT / "spec" / "mka1.yaml", "mka1"),
)


def _median(fn: object, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    for label, path, package in INPUTS:
        ir, _ = build(load(path), package=package)
        args = (ir.models_doc, ir.package, tuple(ir.page_models))
        new = emit_models(*args)
        old = format_python(generate_models(*args), "models.py")  # warm-up (imports), and the check
        assert new == old, f"{label}: the two paths differ"
        t_new = _median(lambda: emit_models(*args), rounds)
        t_old = _median(lambda: format_python(generate_models(*args), "models.py"), rounds)
        print(f"{label:24} {len(args[0]['components']['schemas']):4} schemas  {len(new) / 1024:6.1f} KB  "
              f"sdkgen {t_new * 1000:7.1f} ms  dcg+black {t_old * 1000:8.1f} ms  x{t_old / t_new:5.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
