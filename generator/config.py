"""`[tool.sdkgen]` in pyproject.toml: defaults for the CLI."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Config:
    spec: Path | None = None
    output: Path | None = None
    package_name: str | None = None
    dist_name: str | None = None
    strict: bool = False
    versioning: str = "semver"  # or "spec": always the spec's info.version


def find_config(start: Path | None = None) -> Config:
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text("utf-8"))
            except (OSError, tomllib.TOMLDecodeError):
                return Config()
            section = data.get("tool", {}).get("sdkgen")
            if not isinstance(section, dict):
                return Config()
            def path(key: str) -> Path | None:
                value = section.get(key)
                return candidate / value if isinstance(value, str) else None
            return Config(
                spec=path("spec"),
                output=path("output"),
                package_name=section.get("package-name") if isinstance(section.get("package-name"), str) else None,
                dist_name=section.get("project-name") if isinstance(section.get("project-name"), str) else None,
                strict=bool(section.get("strict", False)),
                versioning="spec" if section.get("versioning") == "spec" else "semver",
            )
    return Config()
