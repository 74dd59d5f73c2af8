"""The maintainer's loop: surface diff, breaking-change report, changelog and version bumps."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ...helpers import ROOT

BASE = """openapi: 3.1.0
info: {title: Pets, version: 1.0.0}
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
        - {name: kind, in: query, schema: {type: string}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
  /pets/{id}:
    delete:
      operationId: deletePet
      tags: [pets]
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"204": {description: gone}}
components:
  schemas:
    Pet:
      type: object
      required: [id]
      properties:
        id: {type: string}
        status: {type: string, enum: [available, sold]}
"""


def sdkgen(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env, capture_output=True, text=True)


def _specs(tmp_path: Path, new_text: str) -> tuple[Path, Path]:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(BASE)
    new.write_text(new_text)
    return old, new


def test_additions_are_a_minor_bump(tmp_path: Path) -> None:
    new_text = BASE.replace("        - {name: kind, in: query, schema: {type: string}}",
                            "        - {name: kind, in: query, schema: {type: string}}\n        - {name: color, in: query, schema: {type: string}}")
    new_text = new_text.replace("enum: [available, sold]", "enum: [available, sold, pending]")
    res = sdkgen("diff", *map(str, _specs(tmp_path, new_text)), "--fail-on-breaking")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "+ sdk.pets.list_pets(color=): optional argument added" in res.stdout
    assert "+ models.Pet.status: enum value added: 'pending'" in res.stdout
    assert "Suggested version bump: minor (1.0.0 → 1.1.0)" in res.stdout


def test_breaking_changes_are_classified_and_fail_when_asked(tmp_path: Path) -> None:
    new_text = (BASE.replace("{name: limit, in: query, schema: {type: integer}}\n        - {name: kind",
                             "{name: limit, in: query, schema: {type: integer}}\n        - {name: kind")
                .replace("{name: kind, in: query, schema: {type: string}}", "{name: species, in: query, schema: {type: string}}")
                .replace("{name: limit, in: query, schema: {type: integer}}", "{name: limit, in: query, required: true, schema: {type: integer}}")
                .replace("        status: {type: string, enum: [available, sold]}\n", "")
                .replace("    delete:\n      operationId: deletePet", "    delete:\n      operationId: removePet"))
    old, new = _specs(tmp_path, new_text)
    res = sdkgen("diff", str(old), str(new), "--fail-on-breaking")
    assert res.returncode == 2
    out = res.stdout
    assert "! sdk.pets.list_pets(kind=): argument renamed to species" in out
    assert "! sdk.pets.list_pets(limit=): argument made required" in out
    assert "! models.Pet.status: field removed" in out
    assert "! sdk.pets.delete_pet: method removed" in out
    assert "+ sdk.pets.remove_pet: method added" in out
    assert "Suggested version bump: major (1.0.0 → 2.0.0)" in out
    md = sdkgen("diff", str(old), str(new), "--format", "markdown")
    assert md.returncode == 0
    assert "| `sdk.pets.delete_pet` | method removed |" in md.stdout
    assert md.stdout.startswith("### SDK surface changes")


def test_diff_against_a_git_ref(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "api").mkdir(parents=True)
    spec = repo / "api" / "pets.yaml"
    spec.write_text(BASE)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "base"]):
        subprocess.run(["git", *cmd], cwd=repo, env=env, check=True)
    spec.write_text(BASE.replace("required: [id]", "required: [id, status]"))
    res = sdkgen("diff", "--base", "HEAD", str(spec), cwd=repo)
    assert res.returncode == 0, res.stderr
    assert "! models.Pet.status: field made required" in res.stdout
    bad = sdkgen("diff", "--base", "no-such-ref", str(spec), cwd=repo)
    assert bad.returncode == 1 and "no-such-ref" in bad.stderr


def test_generate_keeps_a_changelog_and_bumps_the_version(tmp_path: Path) -> None:
    spec, out = tmp_path / "pets.yaml", tmp_path / "sdk"
    spec.write_text(BASE)
    assert sdkgen("generate", str(spec), "-o", str(out), "--package-name", "pets").returncode == 0
    assert 'version = "1.0.0"' in (out / "pyproject.toml").read_text()
    assert "## 1.0.0\n\nFirst generated version." in (out / "CHANGELOG.md").read_text()
    # an added optional argument: minor bump, one new changelog entry, old entry kept
    spec.write_text(BASE.replace("        - {name: kind, in: query, schema: {type: string}}",
                                 "        - {name: kind, in: query, schema: {type: string}}\n        - {name: color, in: query, schema: {type: string}}"))
    drift = sdkgen("check", str(spec), "-o", str(out), "--package-name", "pets")
    assert drift.returncode == 1
    assert "+ sdk.pets.list_pets(color=): optional argument added" in drift.stderr
    assert sdkgen("generate", str(spec), "-o", str(out), "--package-name", "pets").returncode == 0
    changelog = (out / "CHANGELOG.md").read_text()
    assert 'version = "1.1.0"' in (out / "pyproject.toml").read_text()
    assert changelog.index("## 1.1.0") < changelog.index("## 1.0.0")
    assert "`sdk.pets.list_pets(color=)` | optional argument added" in changelog
    assert '__version__ = "1.1.0"' in (out / "pets" / "__init__.py").read_text()
    # regenerating without a spec change changes nothing (deterministic, no double bump)
    again = sdkgen("generate", str(spec), "-o", str(out), "--package-name", "pets")
    assert "0 changed" in again.stderr
    assert sdkgen("check", str(spec), "-o", str(out), "--package-name", "pets").returncode == 0


def test_ci_example_workflow_is_valid_and_runs_the_drift_check_and_diff() -> None:
    import yaml

    workflow = yaml.safe_load((ROOT / "docs" / "ci" / "sdk-drift.yml").read_text())
    assert workflow["name"] == "sdk"
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as true
    assert "pull_request" in triggers
    steps = workflow["jobs"]["drift"]["steps"]
    commands = "\n".join(str(step.get("run", "")) for step in steps)
    assert "sdkgen check" in commands
    assert "sdkgen diff --base" in commands and "--format markdown" in commands and "--fail-on-breaking" in commands
    assert all("uses" in step or "run" in step for step in steps)
    assert "docs/ci/sdk-drift.yml" in (ROOT / "README.md").read_text()
