"""Assemble the generated package: templates, models, the runtime core, formatting."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from ..output.background import Prepared
from ..output.cache import Cache, canonical_json, code_fingerprint, key, tool_version
from ..ir.model import SdkIR
from ..ir.runtime import templates_root
from ..timings import Timings
from .fileset import FileSet
from .format import Formatter, prepare_black
from .models import generate_models, model_files, prepare_models
from .layout import FILTERS as LAYOUT, blank_lines, needs_black
from .pydantic_models import emit_models, models_engine
from .render import FILTERS


def _environment(root: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root / "package")),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # the output is Python, not HTML; spec text arrives as literals
        keep_trailing_newline=True,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.filters.update(FILTERS)  # `py`: an IR value as Python source (emit/render.py)
    env.filters.update(LAYOUT)  # `line`, `docstring`: code laid out in black's style (emit/layout.py)
    return env


def emit(ir: SdkIR, *, cache: Cache | None = None, timings: Timings | None = None,
         checkpoint: Callable[[], None] | None = None, jobs: int = 1, models_worker: Prepared | None = None) -> FileSet:
    """The files of the SDK. Templates and the model emitter write black's style, so nothing
    goes through black unless the layout leaves a line over the limit, or the old models path
    is chosen (`SDKGEN_MODELS=dcg`); `cache` and `timings` change no byte. `checkpoint` is called
    before waiting for black: it may stop the run (the validator, running meanwhile, found
    errors). `jobs`: processes for black. `models_worker` (from `models_worker()`): makes the
    models in a child process that has already imported datamodel-code-generator (old path)."""
    timings = timings or Timings()
    started = time.perf_counter()
    root = templates_root()
    out = _Output(_environment(root), ir, FileSet(), Formatter(cache, jobs))
    pkg = ir.package
    for template, path in (("__init__.py.j2", "__init__.py"), ("sdk.py.j2", "sdk.py"), ("errors.py.j2", "errors.py"),
                           ("resources__init__.py.j2", "resources/__init__.py")):
        out.render(template, f"{pkg}/{path}")
    for group in ir.groups:
        out.render("resource.py.j2", f"{pkg}/resources/{group.module}.py", group=group)
    timings.add("emit: templates", time.perf_counter() - started)
    models, ours = _models_while_black_starts(out.black, ir, cache, timings, models_worker, checkpoint)
    if not ours:  # datamodel-code-generator's module (SDKGEN_MODELS=dcg) is formatted by black
        out.black.add(f"{pkg}/models.py", models)
        out.black.start()  # then the models are most of what black formats: workers when they are big
    formatted = out.black.finish()
    if ours:  # written in black's layout already (emit/pydantic_models.py)
        formatted[f"{pkg}/models.py"] = models
    rendered = ", ".join(out.through_black) or "none"
    timings.add("emit: black", out.black.seconds, f"{out.black.describe()}; rendered modules still formatted: {rendered}")
    _add_formatted(out.files, formatted, ir)
    out.files.add(f"{pkg}/py.typed", "")
    for source in sorted((root / "runtime").glob("*.py")):
        out.files.add(f"{pkg}/_runtime/{source.name}", source.read_bytes())
    out.render("pyproject.toml.j2", "pyproject.toml")
    out.render("README.md.j2", "README.md")
    return out.files


@dataclass
class _Output:
    """Rendered templates, straight into the file set: they are written in black's style. A
    Python file the layout does not cover (a line it leaves over the limit) goes through black,
    and `--timings` names it."""

    env: jinja2.Environment
    ir: SdkIR
    files: FileSet
    black: Formatter
    through_black: list[str] = field(default_factory=list)  # rendered files black still formats

    def render(self, template: str, path: str, **extra: object) -> None:
        source = self.env.get_template(template).render(ir=self.ir, **extra)
        if path.endswith(".py"):
            source = blank_lines(source)  # templates write black's style (emit/layout.py)
            if needs_black(source):  # a line the layout left over the limit
                self.black.add(path, source)
                self.through_black.append(path)
            else:
                self.files.add(path, source)
        else:
            self.files.add(path, source)


def _models_while_black_starts(black: Formatter, ir: SdkIR, cache: Cache | None, timings: Timings,
                               worker: Prepared | None, checkpoint: Callable[[], None] | None) -> tuple[str, bool]:
    """The models module, made while black's workers format what rendered modules still need it;
    and whether sdkgen wrote it (True) or datamodel-code-generator did (`SDKGEN_MODELS=dcg`)."""
    black.start()
    ours = models_engine() == "sdkgen"  # models written in black's layout: no black for them
    try:
        with timings.stage("emit: models" if ours else "emit: datamodel-code-generator"):
            models = emit_models(ir.models_doc, ir.package, ir.page_models) if ours else _models(ir, cache, timings, worker)
        if checkpoint is not None:
            checkpoint()
    except BaseException:
        black.abandon()
        raise
    return models, ours


def _add_formatted(files: FileSet, formatted: dict[str, str], ir: SdkIR) -> None:
    """The formatted modules; the models module split into the models package, loaded model by model."""
    for path, text in formatted.items():
        if path == f"{ir.package}/models.py":
            for sub, part in model_files(text, ir).items():
                files.add(f"{ir.package}/{sub}", part)
        else:
            files.add(path, text)


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
