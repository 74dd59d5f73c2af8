"""Server URLs with variables (``https://{region}.example.com/{version}``)."""

from __future__ import annotations

from typing import Mapping, Sequence

__all__ = ["ServerVariable", "expand_servers"]

# name -> (default, allowed values; empty when any value is allowed)
ServerVariable = tuple[str, tuple[str, ...]]


def expand_servers(
    templates: Sequence[tuple[str, Mapping[str, ServerVariable]]],
    values: Mapping[str, str] | None,
) -> tuple[str, ...]:
    """Every server URL with its variables filled in: the caller's value, else the default.

    A value outside a variable's ``enum`` raises ValueError, as does a name no server uses.
    """
    values = dict(values or {})
    known = {name for _, variables in templates for name in variables}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(
            f"unknown server variable(s) {', '.join(unknown)}; the servers take: "
            f"{', '.join(sorted(known)) or 'none'}"
        )
    out: list[str] = []
    for url, variables in templates:
        for name, (default, allowed) in variables.items():
            value = str(values.get(name, default))
            if allowed and value not in allowed and name in values:
                raise ValueError(
                    f"server variable {name!r} must be one of {', '.join(allowed)}; got {value!r}"
                )
            url = url.replace("{" + name + "}", value)
        out.append(url)
    return tuple(out)
