"""OAuth2 client credentials: the SDK fetches the access token itself, caches and refreshes it.

Pass ``ClientCredentials(client_id, client_secret)`` where the SDK takes the OAuth2 scheme's
credentials. Before a call needs it, the SDK posts ``grant_type=client_credentials`` to the
scheme's token URL (from the spec, or ``token_url=``) through the SDK's own HTTP client, keeps
the token until shortly before ``expires_in`` runs out, then fetches a new one. A 401 answer
drops the cached token, so the next call fetches a fresh one.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Sequence

import httpx

from .errors import SDKError, redact

__all__ = ["ClientCredentials", "TokenError"]


class TokenError(SDKError):
    """The token endpoint refused the client credentials or answered something unusable."""


class ClientCredentials:
    """Client id and secret for the OAuth2 client-credentials flow.

    ``auth``: how the client authenticates at the token endpoint: ``"basic"`` (HTTP Basic, the
    default of RFC 6749) or ``"body"`` (``client_id``/``client_secret`` form fields).
    ``leeway_s``: a token is renewed this many seconds before it expires.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        token_url: str | None = None,
        scopes: Sequence[str] = (),
        auth: str = "basic",
        leeway_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if auth not in ("basic", "body"):
            raise ValueError('auth must be "basic" or "body"')
        self.client_id = client_id
        self._secret = client_secret
        self.token_url = token_url
        self.scopes = tuple(scopes)
        self.auth = auth
        self.leeway_s = leeway_s
        self._clock = clock
        self._token: str | None = None
        self._expires_at: float | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:  # the secret and the token stay out of logs
        return f"ClientCredentials(client_id={self.client_id!r})"

    # --- cache ---------------------------------------------------------------------------------

    def cached(self) -> str | None:
        """The current token, or None when there is none or it is (about to be) expired."""
        token, expires_at = self._token, self._expires_at
        if token is None or (expires_at is not None and self._clock() >= expires_at - self.leeway_s):
            return None
        return token

    def invalidate(self) -> None:
        """Forget the token (after the API rejected it)."""
        self._token = self._expires_at = None

    # --- fetching ------------------------------------------------------------------------------

    def token(self, client: httpx.Client, token_url: str) -> str:
        """The cached token, fetched first when missing or expiring."""
        token = self.cached()
        if token is not None:
            return token
        with self._lock:
            token = self.cached()
            if token is None:
                request = self._request(client, token_url)
                try:
                    response = client.send(request)
                except httpx.RequestError as exc:
                    raise TokenError(f"token request to {request.url} failed: {type(exc).__name__}") from exc
                token = self._store(response)
        return token

    async def token_async(self, client: httpx.AsyncClient, token_url: str) -> str:
        token = self.cached()
        if token is not None:
            return token
        request = self._request(client, token_url)
        try:
            response = await client.send(request)
        except httpx.RequestError as exc:
            raise TokenError(f"token request to {request.url} failed: {type(exc).__name__}") from exc
        return self._store(response)

    def _request(self, client: httpx.Client | httpx.AsyncClient, token_url: str) -> httpx.Request:
        url = self.token_url or token_url
        if not url:
            raise TokenError("no token URL: the spec declares none, pass ClientCredentials(token_url=...)")
        form: dict[str, str] = {"grant_type": "client_credentials"}
        if self.scopes:
            form["scope"] = " ".join(self.scopes)
        auth: Any = None
        if self.auth == "basic":
            auth = httpx.BasicAuth(self.client_id, self._secret)
        else:
            form["client_id"] = self.client_id
            form["client_secret"] = self._secret
        request = client.build_request("POST", url, data=form, headers={"accept": "application/json"})
        if auth is not None:
            request = next(auth.auth_flow(request))
        return request

    def _store(self, response: httpx.Response) -> str:
        try:
            payload = response.json() if response.content else {}
        except ValueError:
            payload = {}
        if not response.is_success or not isinstance(payload, dict) or not isinstance(payload.get("access_token"), str):
            detail = payload.get("error") if isinstance(payload, dict) else None
            message = f"token endpoint answered {response.status_code}" + (f" ({detail})" if isinstance(detail, str) else "")
            raise TokenError(redact(message, [self._secret]), response)
        token: str = payload["access_token"]
        expires_in = payload.get("expires_in")
        self._token = token
        self._expires_at = (
            self._clock() + float(expires_in)
            if isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool) and expires_in > 0
            else None
        )
        return token
