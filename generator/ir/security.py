"""Security schemes (the SDK constructor's credentials) and security requirements."""

from __future__ import annotations

from typing import Any

from .. import naming
from ..problems import Finding, pointer_join
from . import text
from .context import Context
from .model import SecurityIR
from .spec import as_dict

_ANNOTATIONS = {"basic": "tuple[str, str] | None", "client_credentials": "str | ClientCredentials | None",
                "token": "str | None"}
_CLIENT_CREDENTIALS_DOC = ("An access token, or `ClientCredentials(client_id, client_secret)` to let the SDK",
                           "fetch tokens from the token URL and renew them before they expire.")


def schemes(ctx: Context) -> tuple[SecurityIR, ...]:
    """The spec's security schemes that the SDK supports, in spec order; others are reported."""
    raw_schemes = ((ctx.data.get("components") or {}).get("securitySchemes") or {})
    scope = naming.Scope(set(naming.SDK_OPTIONS))
    out: list[SecurityIR] = []
    for name, raw in raw_schemes.items():
        ptr = pointer_join("/components/securitySchemes", name)
        scheme = ctx.schemas.deref(raw, ptr)
        ir = _scheme(str(name), scheme, scope)
        if ir is None:
            ctx.report(Finding.UNSUPPORTED, ptr, f"security scheme type {str(scheme.get('type') or '')!r} is not supported; ignored")
        else:
            out.append(ir)
    return tuple(out)


def _scheme(name: str, scheme: dict[str, Any], scope: naming.Scope) -> SecurityIR | None:
    kind = str(scheme.get("type") or "")
    sub = str(scheme.get("scheme") or "").lower()
    token_url = client_credentials_url(scheme)
    annotation = _annotation(kind, sub, token_url)
    if annotation is None:
        return None
    doc = text.doc_lines(scheme.get("description")) or ("Credentials for this security scheme.",)
    if token_url is not None:
        doc = doc + _CLIENT_CREDENTIALS_DOC
    return SecurityIR(name, kind, sub or "bearer", str(scheme.get("in") or "header"), str(scheme.get("name") or "Authorization"),
                      scope.claim(naming.snake(name)), annotation, doc, token_url)


def _annotation(kind: str, sub: str, token_url: str | None) -> str | None:
    if kind == "http" and sub == "basic":
        return _ANNOTATIONS["basic"]
    if token_url is not None:
        return _ANNOTATIONS["client_credentials"]
    if kind in ("http", "apiKey", "oauth2", "openIdConnect"):
        return _ANNOTATIONS["token"]
    return None


def client_credentials_url(scheme: dict[str, Any]) -> str | None:
    """The token URL of an OAuth2 scheme with a client-credentials flow, else None."""
    flows = as_dict(scheme.get("flows")) if scheme.get("type") == "oauth2" else {}
    flow = flows.get("clientCredentials")
    if isinstance(flow, dict):
        url = flow.get("tokenUrl")
        return url if isinstance(url, str) else ""
    return None


def requirements(security: Any) -> tuple[tuple[str, ...], ...]:
    """A ``security`` list as alternatives (any one will do) of scheme names (all required
    together), in spec order; ``()`` is an empty alternative (anonymous access allowed).
    Entries that are not objects are skipped, repeated alternatives kept once."""
    out: list[tuple[str, ...]] = []
    for req in security if isinstance(security, list) else ():
        if isinstance(req, dict):
            names = tuple(dict.fromkeys(str(k) for k in req))
            if names not in out:
                out.append(names)
    return tuple(out)


def operation_security(op: dict[str, Any]) -> tuple[tuple[str, ...], ...] | None:
    """An operation's own security requirements (None: the SDK's default applies; ``()``: no
    auth; see `requirements`)."""
    if "security" not in op or not isinstance(op["security"], list):
        return None
    return requirements(op["security"])


def default_security(ctx: Context, security: tuple[SecurityIR, ...], required_somewhere: bool) -> tuple[tuple[str, ...], ...]:
    """The root ``security`` as alternatives. A spec that declares schemes but requires
    none anywhere (no root ``security``, none on an operation) almost always forgot the
    requirement rather than meant every call to be anonymous: then each scheme is an
    alternative of its own (the first configured one is sent), and a warning says so."""
    if "security" in ctx.data:
        return requirements(ctx.data.get("security"))
    if not security or required_somewhere:
        return ()
    ctx.report(
        Finding.ASSUMED, "/components/securitySchemes",
        "security schemes are declared but no `security` requirement uses them (none at the root or on an "
        "operation); every call sends the credentials of the first scheme the user configures")
    return tuple((s.name,) for s in security)
