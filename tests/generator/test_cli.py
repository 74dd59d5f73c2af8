"""The command line as a maintainer uses it: generate, check, validate."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..helpers import ROOT, tree

GOLDEN = ROOT / "tests" / "golden"


def sdkgen(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_check_passes_then_reports_drift(tmp_path: Path) -> None:
    spec = GOLDEN / "bodies" / "spec.yaml"
    out = tmp_path / "sdk"
    assert sdkgen("generate", str(spec), "-o", str(out), "--package-name", "notes").returncode == 0
    ok = sdkgen("check", str(spec), "-o", str(out), "--package-name", "notes")
    assert ok.returncode == 0, ok.stderr
    (out / "notes" / "sdk.py").write_text("# edited by hand\n")
    (out / "notes" / "errors.py").unlink()
    drifted = sdkgen("check", str(spec), "-o", str(out), "--package-name", "notes")
    assert drifted.returncode == 1
    assert "stale: notes/sdk.py" in drifted.stdout
    assert "missing: notes/errors.py" in drifted.stdout
    assert "-# edited by hand" in drifted.stdout  # a unified diff follows
    assert "sdkgen generate" in drifted.stderr


def test_check_reports_extra_files_from_a_previous_generation(tmp_path: Path) -> None:
    out = tmp_path / "sdk"
    assert sdkgen("generate", str(GOLDEN / "groups" / "spec.yaml"), "-o", str(out), "--package-name", "g").returncode == 0
    smaller = tmp_path / "smaller.yaml"
    smaller.write_text((GOLDEN / "errors" / "spec.yaml").read_text())
    res = sdkgen("check", str(smaller), "-o", str(out), "--package-name", "g")
    assert res.returncode == 1
    assert "extra: g/resources/admin_users.py" in res.stdout


def test_generate_keeps_user_files_and_removes_only_its_own(tmp_path: Path) -> None:
    out = tmp_path / "sdk"
    assert sdkgen("generate", str(GOLDEN / "groups" / "spec.yaml"), "-o", str(out), "--package-name", "g").returncode == 0
    (out / "NOTES.txt").write_text("mine")
    (out / "g" / "custom.py").write_text("x = 1\n")
    assert sdkgen("generate", str(GOLDEN / "errors" / "spec.yaml"), "-o", str(out), "--package-name", "g").returncode == 0
    assert (out / "NOTES.txt").read_text() == "mine"
    assert (out / "g" / "custom.py").read_text() == "x = 1\n"
    assert not (out / "g" / "resources" / "admin_users.py").exists()
    assert (out / "g" / "resources" / "things.py").exists()


def test_failed_generation_leaves_previous_output_identical(tmp_path: Path) -> None:
    out = tmp_path / "sdk"
    assert sdkgen("generate", str(GOLDEN / "params" / "spec.yaml"), "-o", str(out), "--package-name", "p").returncode == 0
    before = tree(out)
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get: [oops\n")
    res = sdkgen("generate", str(broken), "-o", str(out), "--package-name", "p")
    assert res.returncode == 1
    assert f"{broken}:6" in res.stderr and "invalid YAML" in res.stderr
    assert "flow sequence at line 5" in res.stderr
    assert tree(out) == before


def test_ignore_file_protects_paths(tmp_path: Path) -> None:
    out = tmp_path / "sdk"
    assert sdkgen("generate", str(GOLDEN / "params" / "spec.yaml"), "-o", str(out), "--package-name", "p").returncode == 0
    (out / "README.md").write_text("my own readme")
    (out / ".sdkgen-ignore").write_text("README.md\n")
    assert sdkgen("generate", str(GOLDEN / "params" / "spec.yaml"), "-o", str(out), "--package-name", "p").returncode == 0
    assert (out / "README.md").read_text() == "my own readme"
    assert sdkgen("check", str(GOLDEN / "params" / "spec.yaml"), "-o", str(out), "--package-name", "p").returncode == 0


def test_validate_names_file_line_and_pointer(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text(
        "openapi: 3.1.0\n"
        "info: {title: x, version: '1'}\n"
        "paths:\n"
        "  /a:\n"
        "    get:\n"
        "      responses:\n"
        "        '200':\n"
        "          descriptionx: missing description\n"
    )
    res = sdkgen("validate", str(spec))
    assert res.returncode == 1
    assert f"{spec}:" in res.stdout
    assert "/paths/~1a/get/responses/200" in res.stdout
    assert sdkgen("validate", str(GOLDEN / "params" / "spec.yaml")).returncode == 0


def test_generate_strict_fails_on_validator_findings_lenient_goes_on(tmp_path: Path) -> None:
    spec = tmp_path / "odd.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n"
        "      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n"
        "              schema: {type: integer, exclusiveMinimum: 0}\n"
    )
    lenient = sdkgen("generate", str(spec), "-o", str(tmp_path / "a"), "--package-name", "a")
    assert lenient.returncode == 0, lenient.stderr
    assert "warning" in lenient.stderr and "exclusiveMinimum" in lenient.stderr
    strict = sdkgen("generate", str(spec), "-o", str(tmp_path / "b"), "--package-name", "a", "--strict")
    assert strict.returncode == 1
    assert not (tmp_path / "b" / "a").exists()


@pytest.mark.parametrize("bad", ["../escape", "/abs/olute"])
def test_writer_refuses_paths_outside_output(tmp_path: Path, bad: str) -> None:
    from generator.emit.fileset import FileSet
    from generator.output.write import WriteError, write

    files = FileSet()
    files.add(bad, "x")
    with pytest.raises(WriteError):
        write(files, tmp_path / "out")
    assert not (tmp_path / "escape").exists()


def test_config_in_pyproject_is_the_default(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text((GOLDEN / "errors" / "spec.yaml").read_text())
    (tmp_path / "pyproject.toml").write_text('[tool.sdkgen]\nspec = "api.yaml"\noutput = "client"\npackage-name = "things"\n')
    res = sdkgen("generate", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "client" / "things" / "sdk.py").is_file()


def test_progress_shows_on_a_terminal_only_and_verbose_lists_files(tmp_path: Path) -> None:
    import io

    from generator.progress import ProgressTimings, timings_for

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert type(timings_for(quiet=False, stream=io.StringIO())).__name__ == "Timings"  # a pipe: no display
    assert type(timings_for(quiet=True, stream=Tty())).__name__ == "Timings"
    screen = Tty()
    shown = timings_for(quiet=False, stream=screen)
    assert isinstance(shown, ProgressTimings)
    with shown.stage("load"):
        pass
    with shown.stage("validate"):
        pass
    assert "[sdkgen] 0 stages done" in screen.getvalue() and "· load…" in screen.getvalue()
    assert "[sdkgen] 1 stages done" in screen.getvalue() and "· validate…" in screen.getvalue()

    out = tmp_path / "sdk"
    res = sdkgen("generate", str(GOLDEN / "errors" / "spec.yaml"), "-o", str(out), "--package-name", "t", "--verbose")
    assert res.returncode == 0, res.stderr
    assert "wrote: t/sdk.py" in res.stderr
    assert "[sdkgen]" not in res.stderr  # not a terminal


def test_writer_refuses_symlinks_that_point_elsewhere(tmp_path: Path) -> None:
    from generator.emit.fileset import FileSet
    from generator.output.write import WriteError, write

    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "pkg").symlink_to(outside, target_is_directory=True)
    files = FileSet()
    files.add("pkg/evil.py", "x = 1\n")
    with pytest.raises(WriteError, match="symlink"):
        write(files, out)
    assert list(outside.iterdir()) == []
    (out / "pkg").unlink()
    (out / "README.md").symlink_to(outside / "target.md")
    files = FileSet()
    files.add("README.md", "hello")
    with pytest.raises(WriteError, match="symlink"):
        write(files, out)
    assert not (outside / "target.md").exists()


def test_reserved_and_case_colliding_group_names_get_distinct_safe_modules(tmp_path: Path) -> None:
    spec = tmp_path / "names.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths:\n"
        "  /a: {get: {operationId: a, tags: [CON], responses: {'204': {description: ok}}}}\n"
        "  /b: {get: {operationId: b, tags: [con], responses: {'204': {description: ok}}}}\n"
        "  /c: {get: {operationId: c, tags: ['../../etc'], responses: {'204': {description: ok}}}}\n"
    )
    out = tmp_path / "out"
    res = sdkgen("generate", str(spec), "-o", str(out), "--package-name", "n")
    assert res.returncode == 0, res.stderr
    modules = sorted(p.name for p in (out / "n" / "resources").glob("*.py"))
    assert "con.py" not in modules and "con_.py" in modules
    assert len({m.lower() for m in modules}) == len(modules)
    assert all(p.resolve().is_relative_to(out.resolve()) for p in out.rglob("*"))
