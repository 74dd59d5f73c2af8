"""The generated MKA1 SDK is a real package: it installs into a fresh venv, imports, and type-checks."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import venv
from pathlib import Path

from .helpers import ROOT


def test_installs_in_a_fresh_venv_and_imports(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", str(ROOT / "generated")],
                             capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr
    probe = textwrap.dedent("""
        import importlib.metadata as md, mka1
        from mka1 import SDK, errors, models
        assert "site-packages" in mka1.__file__, mka1.__file__
        requires = sorted(r.split(">")[0].split("<")[0].split("=")[0].strip() for r in md.requires("mka1"))
        print(requires)
        sdk = SDK(bearer_auth="t", server_url="http://127.0.0.1:9")
        print(type(sdk.llm.responses).__name__, issubclass(errors.NotFoundError, errors.SDKError))
    """)
    run = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split("\n")[:2] == ["['httpx', 'pydantic']", "LlmResponses True"]


def test_generated_package_and_seed_usage_are_pyright_clean(tmp_path: Path) -> None:
    usage = tmp_path / "usage.py"
    usage.write_text(textwrap.dedent("""
        from mka1 import SDK, models
        from mka1._runtime.sse import EventStream

        def seed(sdk: SDK) -> None:
            res = sdk.llm.responses.get(response_id="resp_get123", include=[
                "file_search_call.results",
                "message.output_text.logprobs",
            ], include_obfuscation=False, starting_after=42, stream=False)
            with res as event_stream:
                for event in event_stream:
                    print(event, flush=True)
            obj: models.ResponseObject = res
            stream: EventStream[models.ResponseStreamingEvent] = sdk.llm.responses.get(response_id="r", stream=True)
            page = sdk.llm.responses.list_input_items(response_id="resp_abc123", after="item_abc123", include=[
                "file_search_call.results",
            ], limit=50, order="asc")
            print(obj, stream, page.has_more)

        async def seed_async(sdk: SDK) -> None:
            created = await sdk.llm.responses.create_async(model="m", input="hi")
            print(created.id)
    """))
    import re

    snippets = re.findall(r"```python\n(.*?)```", (ROOT / "generated" / "README.md").read_text(), re.S)
    snippet_files = []
    for i, snippet in enumerate(snippets):
        path = tmp_path / f"readme_snippet_{i}.py"
        path.write_text(snippet)
        snippet_files.append(str(path))
    assert len(snippet_files) >= 20
    pyright = Path(sys.executable).parent / "pyright"
    run = subprocess.run([str(pyright), "--pythonpath", sys.executable, str(ROOT / "generated" / "mka1"), str(usage), *snippet_files],
                         cwd=ROOT / "generated", capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 errors" in run.stdout
