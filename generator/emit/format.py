"""Formatting of generated Python with black (pinned in pyproject.toml, so output is stable)."""

from __future__ import annotations

import black

_MODE = black.Mode(target_versions={black.TargetVersion.PY310}, line_length=100)


def format_python(source: str, name: str) -> str:
    try:
        return black.format_str(source, mode=_MODE)
    except Exception as exc:  # a template bug, never spec text: spec text only reaches code as literals
        raise RuntimeError(f"generated {name} is not valid Python: {exc}") from exc
