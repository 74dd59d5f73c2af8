"""Generator side of streaming: `x-sdkgen-stream` becomes the operation's StreamSpec, a resume
operation in another module is referenced lazily, and declarations that cannot work are
reported (file, line, pointer) and leave the stream without resume rather than wrong."""

from __future__ import annotations

import copy
import importlib
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.pipeline import generate

from ..helpers import ROOT

RESUME_SPEC = ROOT / "tests" / "golden" / "resume" / "spec.yaml"


def build_package(spec: Path, tmp_path: Path, strict: bool = True) -> tuple[Any, list[Any]]:
    name = "resume_" + uuid.uuid4().hex[:8]
    result = generate(spec, package=name, strict=strict)
    for path, content in result.files.files.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    sys.path.insert(0, str(tmp_path))
    try:
        return importlib.import_module(name), result.problems
    finally:
        sys.path.remove(str(tmp_path))


def test_resume_operations_resolve_across_modules(tmp_path: Path) -> None:
    pkg, problems = build_package(RESUME_SPEC, tmp_path)
    jobs = importlib.import_module(pkg.__name__ + ".resources.jobs")
    batches = importlib.import_module(pkg.__name__ + ".resources.batches")
    get, create, run = jobs._GET.stream, jobs._CREATE.stream, batches._RUN.stream
    assert get.resume is None and get.resume_param == "after" and get.switch == "stream"
    assert (get.max_attempts, get.initial_interval_ms, get.max_interval_ms) == (8, 250, 4000)
    assert create.resume() is jobs._GET and (create.id_field, create.id_param) == ("job.id", "job_id")
    assert run.resume() is jobs._GET and run.id_param == "job_id"
    assert get.terminal == frozenset({"job.done", "job.failed"}) and get.cursor == "seq"
    assert create.switch is None  # its switch is a body field, not a query parameter
    assert not problems


def _spec_with(stream: dict[str, Any], op: str = "createJob") -> dict[str, Any]:
    spec = yaml.safe_load(RESUME_SPEC.read_text())
    for item in spec["paths"].values():
        for method in item.values():
            if method.get("operationId") == op:
                method["x-sdkgen-stream"] = stream
    return spec


BASE = {"cursor": "seq", "terminal": ["job.done"]}


@pytest.mark.parametrize(
    ("resume", "message"),
    [
        ({"operation": "noSuchOp", "param": "after", "id_field": "job.id"},
         "resume operation 'noSuchOp' is not an operationId"),
        ({"operation": "getJob", "param": "since", "id_field": "job.id"},
         "resume param 'since' is not a query, header or cookie parameter of getJob"),
        ({"operation": "getJob", "param": "job_id", "id_field": "job.id"},
         "resume param 'job_id' is not a query, header or cookie parameter"),
        ({"operation": "getJob", "param": "after"},
         "needs 'id_field'"),
        ({"operation": "createJob", "param": "after"},
         "resume param 'after' is not a query, header or cookie parameter of createJob"),
        ("getJob", "'resume' must be an object"),
        ({"operation": "getJob", "param": "after", "id_field": "job.id", "max_attempts": -1},
         "max_attempts must be a non-negative integer"),
    ],
)
def test_resume_that_cannot_work_is_reported(resume: Any, message: str, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(_spec_with({**BASE, "resume": resume})))
    pkg, problems = build_package(spec, tmp_path, strict=False)
    jobs = importlib.import_module(pkg.__name__ + ".resources.jobs")
    found = [p for p in problems if message in p.message]
    assert found, [p.message for p in problems]
    assert found[0].level == "warning" and found[0].line is not None
    assert found[0].pointer.endswith("/post/x-sdkgen-stream")
    if "max_attempts" in message:  # only that setting is dropped
        assert jobs._CREATE.stream.resume_param == "after" and jobs._CREATE.stream.max_attempts == 5
    else:
        assert jobs._CREATE.stream.resume_param is None
        assert jobs._CREATE.stream.terminal == frozenset({"job.done"})


def test_resume_without_a_cursor_is_reported(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    stream = {"terminal": ["job.done"], "resume": {"param": "after"}}
    spec.write_text(yaml.safe_dump(_spec_with(stream, op="getJob")))
    _, problems = build_package(spec, tmp_path, strict=False)
    assert any("'resume' needs 'cursor'" in p.message for p in problems)


def test_strict_run_fails_on_a_broken_resume(tmp_path: Path) -> None:
    from generator.problems import SpecError

    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(_spec_with({**BASE, "resume": {"operation": "nope", "param": "after"}})))
    with pytest.raises(SpecError):
        generate(spec, package="strict_resume", strict=True)


def test_a_resume_target_that_takes_a_body_is_refused(tmp_path: Path) -> None:
    spec_data = _spec_with({**BASE, "resume": {"operation": "createBatchRun", "param": "after",
                                                "id_field": "job.id"}}, op="getJob")
    # make the target accept `after` so only the body rule is left to fail
    run = spec_data["paths"]["/batches/{batch_id}/runs"]["post"]
    run["parameters"].append({"name": "after", "in": "query", "schema": {"type": "integer"}})
    run["requestBody"] = {"content": {"application/json": {"schema": {"type": "object"}}}}
    spec_data = copy.deepcopy(spec_data)
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(spec_data))
    _, problems = build_package(spec, tmp_path, strict=False)
    assert any("must stream and take no request body" in p.message for p in problems)
