"""``SDKGEN_MODELS`` picks who writes the models: sdkgen (the default) or the old path
(datamodel-code-generator + black), kept as the oracle. Both give the same SDK, file for file."""

from __future__ import annotations

import pytest

from generator.emit.pydantic_models import DEFAULT_ENGINE, ENV_ENGINE, models_engine
from generator.pipeline import generate

from ...helpers import ROOT


def test_default_and_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_ENGINE, raising=False)
    assert models_engine() == DEFAULT_ENGINE == "sdkgen"
    for value, engine in (("dcg", "dcg"), (" SDKGEN ", "sdkgen"), ("nonsense", DEFAULT_ENGINE)):
        monkeypatch.setenv(ENV_ENGINE, value)
        assert models_engine() == engine


@pytest.mark.parametrize("golden", ["bodies", "streaming"])
def test_both_engines_make_the_same_sdk(golden: str, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = ROOT / "tests" / "golden" / golden / "spec.yaml"
    files = {}
    for engine in ("dcg", "sdkgen"):
        monkeypatch.setenv(ENV_ENGINE, engine)
        files[engine] = dict(generate(spec, package=f"{golden}_sdk").files.files)
    assert files["dcg"] == files["sdkgen"]
