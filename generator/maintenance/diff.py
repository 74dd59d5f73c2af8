"""Compare two public surfaces: what changed for users of the SDK, and how it should be versioned."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .surface import Surface

Kind = Literal["breaking", "feature", "fix"]


@dataclass(frozen=True)
class Change:
    kind: Kind
    where: str
    what: str


def compare_surfaces(old: Surface, new: Surface) -> list[Change]:
    changes: list[Change] = []
    for name in sorted(set(old.methods) - set(new.methods)):
        changes.append(Change("breaking", f"sdk.{name}", "method removed"))
    for name in sorted(set(new.methods) - set(old.methods)):
        changes.append(Change("feature", f"sdk.{name}", "method added"))
    for name in sorted(set(old.methods) & set(new.methods)):
        changes += _method(f"sdk.{name}", old.methods[name], new.methods[name])
    for name in sorted(set(old.models) - set(new.models)):
        changes.append(Change("breaking", f"models.{name}", "model removed"))
    for name in sorted(set(new.models) - set(old.models)):
        changes.append(Change("feature", f"models.{name}", "model added"))
    for name in sorted(set(old.models) & set(new.models)):
        changes += _model(f"models.{name}", old.models[name], new.models[name])
    return changes


def _members(annotation: str) -> set[str]:
    """Union members; a Literal counts as one member per value, so adding a value is additive."""
    out, depth, start = set(), 0, 0
    parts = []
    for i, ch in enumerate(annotation):
        depth += ch in "[("
        depth -= ch in "])"
        if ch == "|" and depth == 0:
            parts.append(annotation[start:i].strip())
            start = i + 1
    parts.append(annotation[start:].strip())
    for part in parts:
        if part.startswith("Literal[") and part.endswith("]"):
            out |= {f"Literal[{v.strip()}]" for v in part[8:-1].split(",")}
        else:
            out.add(part)
    return out


def _type_change(where: str, old: str, new: str, *, input_side: bool) -> Change | None:
    if old == new:
        return None
    removed, added = _members(old) - _members(new), _members(new) - _members(old)
    if removed and not added:
        # fewer accepted values: breaking for what users send; for what they read, only narrower
        return Change("breaking" if input_side else "fix", where, f"type narrowed: {old} → {new}")
    if added and not removed:
        return Change("feature" if input_side else "breaking", where, f"type widened: {old} → {new}")
    return Change("breaking", where, f"type changed: {old} → {new}")


def _method(where: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    old_args, new_args = old["args"], new["args"]
    renamed = _renamed_args(old_args, new_args)
    changes = [Change("breaking", f"{where}({a}=)", f"argument renamed to {b}") for a, b in renamed.items()]
    changes += [Change("breaking", f"{where}({a}=)", "argument removed")
                for a in old_args if a not in new_args and a not in renamed]
    for b in new_args:
        if b not in old_args and b not in renamed.values():
            required = new_args[b][1]
            changes.append(Change("breaking" if required else "feature", f"{where}({b}=)",
                                  "required argument added" if required else "optional argument added"))
    for a in old_args:
        if a in new_args:
            changes += _argument_changes(f"{where}({a}=)", old_args[a], new_args[a])
    if old["returns"] != new["returns"]:
        changes.append(Change("breaking", where, f"return type changed: {old['returns']} → {new['returns']}"))
    return changes


def _renamed_args(old_args: dict[str, Any], new_args: dict[str, Any]) -> dict[str, str]:
    """A removed and an added argument of the same type read as a rename (first match wins)."""
    came = [a for a in new_args if a not in old_args]
    renamed: dict[str, str] = {}
    for a in (a for a in old_args if a not in new_args):
        for b in came:
            if b not in renamed.values() and old_args[a] == new_args[b]:
                renamed[a] = b
                break
    return renamed


def _argument_changes(where: str, old: Any, new: Any) -> list[Change]:
    (old_type, old_req), (new_type, new_req) = old, new
    changes = []
    if new_req and not old_req:
        changes.append(Change("breaking", where, "argument made required"))
    elif old_req and not new_req:
        changes.append(Change("feature", where, "argument made optional"))
    change = _type_change(where, old_type, new_type, input_side=True)
    if change:
        changes.append(change)
    return changes


def _model(where: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    old_fields, new_fields = old["fields"], new["fields"]
    changes = [Change("breaking", f"{where}.{f}", "field removed") for f in sorted(set(old_fields) - set(new_fields))]
    for f in sorted(set(new_fields) - set(old_fields)):
        required = new_fields[f][1]
        changes.append(Change("breaking" if required else "feature", f"{where}.{f}",
                              "required field added" if required else "optional field added"))
    for f in sorted(set(old_fields) & set(new_fields)):
        changes += _field_changes(f"{where}.{f}", old_fields[f], new_fields[f])
    changes += _enum_changes(where, old.get("enum") or [], new.get("enum") or [])
    if not old_fields and not new_fields and old.get("type") != new.get("type"):
        changes.append(Change("breaking", where, f"type changed: {old.get('type')} → {new.get('type')}"))
    return changes


def _field_changes(where: str, old: list[Any], new: list[Any]) -> list[Change]:
    (old_type, old_req, *old_rest), (new_type, new_req, *new_rest) = old, new
    changes = _enum_changes(where, (old_rest or [None])[0] or [], (new_rest or [None])[0] or [])
    if new_req != old_req:
        changes.append(Change("breaking" if new_req else "feature", where,
                              "field made required" if new_req else "field made optional"))
    if old_type != new_type:
        changes.append(Change("breaking", where, f"field type changed: {old_type} → {new_type}"))
    return changes


def _enum_changes(where: str, old_values: list[Any], new_values: list[Any]) -> list[Change]:
    changes = [Change("breaking", where, f"enum value removed: {v!r}") for v in old_values if v not in new_values]
    return changes + [Change("feature", where, f"enum value added: {v!r}") for v in new_values if v not in old_values]


def suggested_bump(changes: list[Change], version: str) -> Literal["major", "minor", "patch", "none"]:
    if not changes:
        return "none"
    if any(c.kind == "breaking" for c in changes):
        return "minor" if version.startswith("0.") else "major"  # 0.x: breaking changes bump minor
    if any(c.kind == "feature" for c in changes):
        return "minor" if not version.startswith("0.") else "patch"
    return "patch"


def bump(version: str, step: str) -> str:
    parts = [int(p) if p.isdigit() else 0 for p in version.split(".")[:3]]
    while len(parts) < 3:
        parts.append(0)
    major, minor, patch = parts
    if step == "major":
        return f"{major + 1}.0.0"
    if step == "minor":
        return f"{major}.{minor + 1}.0"
    if step == "patch":
        return f"{major}.{minor}.{patch + 1}"
    return f"{major}.{minor}.{patch}"


_TITLES = {"breaking": "Breaking changes", "feature": "Added", "fix": "Changed"}


def render_text(changes: list[Change], old_version: str) -> str:
    if not changes:
        return "No change to the SDK's public surface."
    step = suggested_bump(changes, old_version)
    lines = []
    for kind in ("breaking", "feature", "fix"):
        group = [c for c in changes if c.kind == kind]
        if group:
            lines.append(f"{_TITLES[kind]} ({len(group)}):")
            lines += [f"  {'!' if kind == 'breaking' else '+' if kind == 'feature' else '~'} {c.where}: {c.what}" for c in group]
    lines.append(f"Suggested version bump: {step} ({old_version} → {bump(old_version, step)})")
    return "\n".join(lines)


def render_markdown(changes: list[Change], old_version: str) -> str:
    if not changes:
        return "### SDK surface\n\nNo change to the SDK's public surface.\n"
    step = suggested_bump(changes, old_version)
    breaking = sum(c.kind == "breaking" for c in changes)
    lines = ["### SDK surface changes", "",
             f"**Suggested version bump: {step}** ({old_version} → {bump(old_version, step)}); "
             f"{breaking} breaking change(s), {len(changes)} in all.", ""]
    for kind in ("breaking", "feature", "fix"):
        group = [c for c in changes if c.kind == kind]
        if group:
            lines += [f"#### {_TITLES[kind]}", "", "| where | change |", "|---|---|"]
            lines += [f"| `{c.where}` | {c.what.replace('|', '&#124;')} |" for c in group]
            lines.append("")
    return "\n".join(lines)
