"""The repository's promises: README commands, CI script, pre-commit hooks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from .helpers import ROOT


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    block = text.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def test_readme_opens_with_exactly_two_commands() -> None:
    first_lines = (ROOT / "README.md").read_text().splitlines()[:8]
    assert first_lines[0] == "# sdkgen"
    commands = _readme_commands()
    assert len(commands) == 2
    assert commands[0].endswith("sdkgen generate")
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_and_the_drift_check() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    test_command = _readme_commands()[1].replace("pip install -q", "pip install -q")
    assert test_command in ci
    assert ".venv/bin/sdkgen check" in ci
    assert "set -euo pipefail" in ci


def test_pre_commit_hooks_file_is_valid() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    ids = {h["id"]: h for h in hooks}
    assert set(ids) == {"sdkgen-check", "sdkgen-generate"}
    assert ids["sdkgen-check"]["entry"] == "sdkgen check"
    assert ids["sdkgen-generate"]["entry"] == "sdkgen generate --stage"
    assert all(h["language"] == "python" and h["pass_filenames"] is False for h in hooks)


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.test",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.test"}
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)


def _sdk_repo(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    repo = tmp_path / "sdk-repo"
    repo.mkdir()
    assert _git(repo, "init", "-q").returncode == 0
    spec = repo / "api.yaml"
    spec.write_text((ROOT / "tests" / "golden" / "errors" / "spec.yaml").read_text())
    (repo / "pyproject.toml").write_text('[tool.sdkgen]\nspec = "api.yaml"\noutput = "client"\npackage-name = "things"\n')
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.test", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.test"}
    env.pop("VIRTUAL_ENV", None)
    return repo, spec, env


def _pre_commit() -> str:
    return shutil.which("pre-commit") or str(Path(os.sys.executable).parent / "pre-commit")


def test_pre_commit_check_hook_refuses_a_stale_sdk(tmp_path: Path) -> None:
    """Real pre-commit, real git: the hooks install sdkgen from this checkout and run it."""
    repo, spec, env = _sdk_repo(tmp_path)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([_pre_commit(), "try-repo", str(ROOT), *args, "--all-files"], cwd=repo, env=env,
                              capture_output=True, text=True, timeout=900)

    _git(repo, "add", "-A")
    generated = run("sdkgen-generate")
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert (repo / "client" / "things" / "sdk.py").is_file()
    assert "client/things/sdk.py" in _git(repo, "diff", "--cached", "--name-only").stdout  # staged by the hook
    assert run("sdkgen-check").returncode == 0
    spec.write_text(spec.read_text().replace("deleteThing", "removeThing"))
    _git(repo, "add", "-A")
    stale = run("sdkgen-check")
    assert stale.returncode == 1
    assert "stale: things/resources/things.py" in stale.stdout
    assert "! sdk.things.delete_thing: method removed" in stale.stdout + stale.stderr


def test_commits_with_installed_hooks(tmp_path: Path) -> None:
    """`pre-commit install` in a repo: a spec change without regeneration is refused with the
    summary; with the generate hook the commit carries the regenerated SDK."""
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    repo, spec, env = _sdk_repo(tmp_path)

    def configure(hook: str) -> None:
        (repo / ".pre-commit-config.yaml").write_text(
            f"repos:\n  - repo: {ROOT}\n    rev: {head}\n    hooks:\n      - id: {hook}\n")

    def commit(message: str) -> subprocess.CompletedProcess[str]:
        _git(repo, "add", "api.yaml", "pyproject.toml", ".pre-commit-config.yaml")
        return subprocess.run(["git", "commit", "-m", message], cwd=repo, env=env, capture_output=True, text=True, timeout=900)

    configure("sdkgen-generate")
    assert subprocess.run([_pre_commit(), "install"], cwd=repo, env=env, capture_output=True).returncode == 0
    first = commit("add the API")
    assert first.returncode == 0, first.stdout + first.stderr
    committed = _git(repo, "show", "--name-only", "--format=", "HEAD").stdout
    assert "client/things/resources/things.py" in committed and "client/CHANGELOG.md" in committed

    configure("sdkgen-check")
    assert commit("switch to the check hook").returncode == 0
    spec.write_text(spec.read_text().replace("deleteThing", "removeThing"))
    refused = commit("rename without regenerating")
    assert refused.returncode != 0
    assert "! sdk.things.delete_thing: method removed" in refused.stdout + refused.stderr
    assert "sdkgen generate" in refused.stdout + refused.stderr


def test_generator_is_pyright_clean() -> None:
    """The generator's own code type-checks (pyright, basic mode) with no errors."""
    pyright = Path(sys.executable).parent / "pyright"
    run = subprocess.run([str(pyright), "--pythonpath", sys.executable, str(ROOT / "generator")],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 errors" in run.stdout, run.stdout + run.stderr


def test_tests_read_nothing_outside_the_repository() -> None:
    # A fresh clone has nothing next to it: the corpus the tests use is vendored, and no test
    # reaches the folder above the repository (which is how it used to find the corpus).
    outside = "ROOT" + ".parent"
    offenders = [
        str(p.relative_to(ROOT)) for p in sorted((ROOT / "tests").rglob("*.py"))
        if "golden" not in p.parts and outside in p.read_text("utf-8")
    ]
    assert offenders == []


def test_vendored_corpus_has_every_document_its_manifest_lists() -> None:
    from .corpus.manifest import CORPUS, corpus_docs

    docs = corpus_docs()
    assert len(docs) == 16
    assert [d.name for d in docs if not d.root.is_file()] == []
    manifest = (CORPUS / "MANIFEST.md").read_text("utf-8")
    for doc in docs:  # each document keeps its provenance: where it came from and under which licence
        details = manifest.split(f"### {doc.name}\n", 1)[1].split("\n### ", 1)[0]
        assert "- source:" in details and "- licence:" in details, doc.name
