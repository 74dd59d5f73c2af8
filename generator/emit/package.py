"""Assemble the generated package: templates, models, the runtime core, formatting."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import jinja2

from ..output.background import Prepared
from ..output.cache import Cache, canonical_json, code_fingerprint, key, tool_version
from ..ir.model import SdkIR
from ..timings import Timings
from .fileset import FileSet
from .format import Formatter, prepare_black
from .models import generate_models, model_files, prepare_models
from .pydantic_models import emit_models, models_engine


def templates_root() -> Path:
    """`templates/` next to the package in a checkout, or bundled inside it when installed."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "runtime").is_dir():
            return candidate
    raise RuntimeError("sdkgen templates not found; reinstall sdkgen")


def _environment(root: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root / "package")),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # the output is Python, not HTML; spec text arrives as literals
        keep_trailing_newline=True,
        trim_blocks=False,
        lstrip_blocks=False,
    )


def emit(ir: SdkIR, *, cache: Cache | None = None, timings: Timings | None = None,
         checkpoint: Callable[[], None] | None = None, jobs: int = 1, models_worker: Prepared | None = None) -> FileSet:
    """The files of the SDK. Python files go through black (`Formatter`: cached, and in worker
    processes while datamodel-code-generator runs here); `cache` and `timings` change no byte.
    `checkpoint` is called before waiting for black: it may stop the run (the validator, running
    meanwhile, found errors). `jobs`: processes for black (more than one: forked workers).
    `models_worker` (from `models_worker()`): makes the models in a child process that has
    already imported datamodel-code-generator."""
    timings = timings or Timings()
    started = time.perf_counter()
    root = templates_root()
    env = _environment(root)
    files = FileSet()
    pkg = ir.package
    black = Formatter(cache, jobs)

    def render(template: str, path: str, **extra: object) -> None:
        source = env.get_template(template).render(ir=ir, **extra)
        if path.endswith(".py"):
            black.add(path, source)
        else:
            files.add(path, source)

    render("__init__.py.j2", f"{pkg}/__init__.py")
    render("sdk.py.j2", f"{pkg}/sdk.py")
    render("errors.py.j2", f"{pkg}/errors.py")
    render("resources__init__.py.j2", f"{pkg}/resources/__init__.py")
    for group in ir.groups:
        render("resource.py.j2", f"{pkg}/resources/{group.module}.py", group=group)
    timings.add("emit: templates", time.perf_counter() - started)
    black.start()
    ours = models_engine() == "sdkgen"  # models written in black's layout: no black for them
    try:
        with timings.stage("emit: models" if ours else "emit: datamodel-code-generator"):
            models = emit_models(ir.models_doc, pkg, ir.page_models) if ours else _models(ir, cache, timings, models_worker)
        if checkpoint is not None:
            checkpoint()
    except BaseException:
        black.abandon()
        raise
    if not ours:
        black.add(f"{pkg}/models.py", models)
    formatted = black.finish()
    if ours:
        formatted[f"{pkg}/models.py"] = models
    timings.add("emit: black", black.seconds, black.describe())
    for path, text in formatted.items():
        if path == f"{pkg}/models.py":  # split into the models package, loaded model by model
            for sub, part in model_files(text, ir).items():
                files.add(f"{pkg}/{sub}", part)
        else:
            files.add(path, text)
    files.add(f"{pkg}/py.typed", "")
    runtime = root / "runtime"
    for source in sorted(runtime.glob("*.py")):
        files.add(f"{pkg}/_runtime/{source.name}", source.read_bytes())
    render("pyproject.toml.j2", "pyproject.toml")
    render("README.md.j2", "README.md")
    return files


def models_worker() -> Prepared | None:
    """A child process that imports datamodel-code-generator now and runs `generate_models`
    when `_models` sends it the schemas (see `background.Prepared`); None when sdkgen writes
    the models itself (``SDKGEN_MODELS``)."""
    if models_engine() == "sdkgen":
        return None
    return Prepared(prepare_models, generate_models)


def _models(ir: SdkIR, cache: Cache | None, timings: Timings, worker: Prepared | None = None) -> str:
    """datamodel-code-generator's module for the IR's schemas, from the cache when the same
    schemas were turned into models before (key: the normalised schemas as JSON, in their order,
    the package, the paginated models, datamodel-code-generator's version and sdkgen's code)."""
    def run() -> str:
        if worker is None:
            return generate_models(ir.models_doc, ir.package, ir.page_models)
        worker.send(ir.models_doc, ir.package, ir.page_models)
        prepare_black()  # while the child works: black formats the models next
        return str(worker.result())

    if cache is None:
        return run()
    try:
        digest = key("models", tool_version("datamodel-code-generator"), code_fingerprint(),
                     canonical_json(ir.models_doc), ir.package, list(ir.page_models))
    except (TypeError, ValueError):  # not plain JSON: not cacheable
        return run()
    hit = cache.get_text("models", digest)
    if hit is not None:
        if worker is not None:
            worker.cancel()
        timings.note("emit: datamodel-code-generator", "from the cache")
        return hit
    out = run()
    cache.put_text("models", digest, out)
    return out
