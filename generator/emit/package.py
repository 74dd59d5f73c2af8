"""Assemble the generated package: templates, models, the runtime core, formatting."""

from __future__ import annotations

from pathlib import Path

import jinja2

from ..ir.model import SdkIR
from .fileset import FileSet
from .format import format_python
from .models import generate_models


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


def emit(ir: SdkIR) -> FileSet:
    root = templates_root()
    env = _environment(root)
    files = FileSet()
    pkg = ir.package

    def render(template: str, path: str, **extra: object) -> None:
        source = env.get_template(template).render(ir=ir, **extra)
        files.add(path, format_python(source, path) if path.endswith(".py") else source)

    render("__init__.py.j2", f"{pkg}/__init__.py")
    render("sdk.py.j2", f"{pkg}/sdk.py")
    render("errors.py.j2", f"{pkg}/errors.py")
    render("resources__init__.py.j2", f"{pkg}/resources/__init__.py")
    for group in ir.groups:
        render("resource.py.j2", f"{pkg}/resources/{group.module}.py", group=group)
    files.add(f"{pkg}/models.py", format_python(generate_models(ir.models_doc, pkg, ir.page_models), "models.py"))
    files.add(f"{pkg}/py.typed", "")
    runtime = root / "runtime"
    for source in sorted(runtime.glob("*.py")):
        files.add(f"{pkg}/_runtime/{source.name}", source.read_bytes())
    render("pyproject.toml.j2", "pyproject.toml")
    render("README.md.j2", "README.md")
    return files
