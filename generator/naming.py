"""Every naming rule of the generator, in one place: nothing else makes a Python name.

Called while building the IR (and by emit for model modules). A name is unique within a
`Scope` (one per namespace: a resource class's methods, a method's arguments, the SDK
constructor, the resources package, models, error classes) and is taken with
`Scope.claim(name)`, or `Scope.claim_method(text)` for a method and its async twin. The rules,
applied in this order:

1. Text is NFKD-normalised; ASCII letters and digits are kept, every other run of characters
   becomes a word break. A name with no ASCII letter or digit left (for example Japanese text)
   becomes ``x`` followed by the hex code points of its first characters, so it stays stable.
2. Words are split at case changes (``getResponseID`` → ``get``, ``response``, ``id``); digits
   stay with the word before them (``v2beta`` → ``v2``, ``beta``). In snake_case, well-known
   acronyms written in mixed case stay one word with their digits (``_ACRONYMS``: ``OAuth``,
   ``IPv<digits>``): ``OAuth2`` → ``oauth2``, ``OAuth2Client`` → ``oauth2_client``,
   ``IPv6Address`` → ``ipv6_address`` (not ``o_auth2``, ``i_pv6``), unless a lower-case letter
   follows (``OAuthority`` → ``o_authority``). PascalCase is unchanged (``OAuth2Client``).
3. Component schema names made of ASCII letters and digits that start with a capital are kept
   as they are (``ResponseMCPCallInProgressEvent``) so models match the names in the spec; others
   get PascalCase (``InvoiceRequest_lines`` → ``InvoiceRequestLines``). Model names never hold
   an underscore, so a reserved one gets the suffix ``Model`` (``Field`` → ``FieldModel``). snake_case for functions, methods, parameters, fields and modules; PascalCase for classes.
4. A name starting with a digit gets the prefix ``n_`` (snake) or ``N`` (Pascal).
5. Python keywords and soft keywords get a trailing underscore (``from`` → ``from_``).
   Builtins are allowed as parameter and method names (shadowing is local to a function) but not
   as class or module names, where they get a trailing underscore too.
6. Names the SDK itself uses in the same scope (reserved names) get the suffix ``_`` too.
7. Collisions inside one scope resolve by a fixed rule: the first name in document order keeps
   its name; later ones get ``_2``, ``_3`` … (snake) or ``2``, ``3`` … (Pascal). A method
   claims its async twin (the name plus ``_async``) with it: a name is free only when its twin
   is free too, so operations ``list`` and ``list_async`` become ``list`` / ``list_async`` and
   ``list_async_2`` / ``list_async_2_async``. A method renamed because of a twin is reported (a
   warning): the spec's two names would have given one Python name.

8. A schema bundled from another file (a relative external ``$ref``) is filed under the last
   segment of the ``$ref``'s fragment (``common.yaml#/definitions/Error`` → ``Error``), else
   under the file's name without its extension (``../common/Error.yaml`` → ``Error``). When that
   spec-level name is taken by a different schema, the name of the file's folder goes in front
   (``CommonError``), then ``_2``, ``_3`` … Rules 3-7 then apply to it like to any schema name.

9. Each model lives in a private module of the ``models`` package named after the first model
   of its group (models that refer to each other in a cycle share a module): ``_`` plus the
   snake_case name (``ResponseObject`` → ``_response_object``); collisions as in rule 7.

Wire names (JSON properties, parameter names, headers) are never changed; only the Python
side is named here.
"""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata
from collections.abc import Collection, Iterator
from dataclasses import dataclass

_WORD_BREAK = re.compile(r"[^0-9A-Za-z]+")
_CASE_SPLIT = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+[a-z]*")
# Rule 2: mixed-case acronyms snake_case keeps whole, with their digits; tried first.
_ACRONYMS = r"(?:OAuth[0-9]*|IPv[0-9]+)(?![a-z])"
_SNAKE_SPLIT = re.compile(_ACRONYMS + "|" + _CASE_SPLIT.pattern)

PYTHON_RESERVED = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | {"self", "cls"}
BUILTIN_NAMES = frozenset(dir(builtins))
# Names a generated model module or runtime already binds; a schema may not take them.
MODEL_RESERVED = frozenset(
    {
        "Annotated", "Any", "BaseModel", "Field", "Literal", "RootModel", "TypeAliasType",
        "Optional", "Union", "List", "Dict", "AwareDatetime", "AnyUrl", "EmailStr", "ConfigDict",
        "UnknownEvent", "Enum", "date", "datetime", "time", "timedelta", "UUID", "Decimal",
        "models", "annotations",
    }
)
# Keyword arguments every generated method takes besides the operation's own.
METHOD_OPTIONS = ("server_url", "timeout_ms", "http_headers", "retries")
# Keyword arguments of the SDK constructor besides credentials and parameter defaults.
SDK_OPTIONS = ("server_url", "server_idx", "timeout_ms", "retry_config", "client", "async_client", "http_headers",
               "hooks", "self")
# Attributes of the SDK object itself; a top-level resource group may not take them.
SDK_ATTRIBUTES = frozenset({"close", "aclose", "with_options", "hooks"})


def words(text: str, acronyms: bool = False) -> list[str]:
    """Lower-case words of ``text`` (rules 1 and 2); ``acronyms``: keep ``_ACRONYMS`` whole."""
    normal = unicodedata.normalize("NFKD", text)
    ascii_only = normal.encode("ascii", "ignore").decode("ascii")
    split = _SNAKE_SPLIT if acronyms else _CASE_SPLIT
    out: list[str] = []
    for chunk in _WORD_BREAK.split(ascii_only):
        if chunk:
            out.extend(w.lower() for w in split.findall(chunk))
    if not out:
        digest = "".join(f"{ord(c):x}" for c in text[:8]) or "0"
        out = ["x" + digest]
    return out


def snake(text: str) -> str:
    name = "_".join(words(text, acronyms=True))
    if name[0].isdigit():
        name = "n_" + name
    if name in PYTHON_RESERVED:
        name += "_"
    return name


def pascal(text: str) -> str:
    name = "".join(w[:1].upper() + w[1:] for w in words(text))
    if name[0].isdigit():
        name = "N" + name
    if name in PYTHON_RESERVED or name in BUILTIN_NAMES or name in MODEL_RESERVED:
        name += "_"
    return name


def model_name(text: str) -> str:
    """Name of a model class: PascalCase without underscores (the model generator would drop
    them), so a reserved name gets the suffix ``Model`` instead of ``_`` (``Field`` →
    ``FieldModel``)."""
    name = "".join(w[:1].upper() + w[1:] for w in words(text))
    if name[0].isdigit():
        name = "N" + name
    if name in PYTHON_RESERVED or name in BUILTIN_NAMES or name in MODEL_RESERVED:
        name += "Model"
    return name


_MODEL_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")


def class_name(text: str) -> str:
    """Model class name for a component schema (rule 3: names made of ASCII letters and digits
    that start with a capital are kept; others go through `model_name`)."""
    if _MODEL_NAME.match(text) and text not in PYTHON_RESERVED and text not in BUILTIN_NAMES and text not in MODEL_RESERVED:
        return text
    return model_name(text)


# File names some file systems reserve whatever the extension (CON.py cannot exist on Windows).
RESERVED_FILE_NAMES = frozenset({"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(1, 10)} | {f"lpt{i}" for i in range(1, 10)})


def module(text: str) -> str:
    """Module (file) names: snake_case, never a builtin, private or reserved file name."""
    name = snake(text)
    if name in BUILTIN_NAMES or name.startswith("_") or name in RESERVED_FILE_NAMES:
        name += "_"
    return name


def model_module(class_name: str) -> str:
    """Module of the models package that holds ``class_name`` and its cycle (rule 9)."""
    return "_" + snake(class_name).rstrip("_")


ASYNC_SUFFIX = "_async"
# Attributes of a resource class besides its methods.
RESOURCE_RESERVED = frozenset({"with_raw_response", "with_options"})
# Names the SDK's error module binds itself (the runtime's errors).
ERROR_RESERVED = frozenset({
    "BadRequestError", "AuthenticationError", "PermissionDeniedError", "NotFoundError", "ConflictError",
    "UnprocessableEntityError", "RateLimitError", "SDKError", "InternalServerError", "APIConnectionError",
    "APITimeoutError", "StreamInterruptedError", "ResponseValidationError", "StreamDecodeError",
    "InvalidCredentialError", "PoolExhaustedError",
})


@dataclass(frozen=True, slots=True)
class MethodName:
    """A method and its async twin, claimed together (rule 7)."""

    name: str
    async_name: str
    wanted: str  # the name rules 1-6 gave; differs from `name` when rule 7 renamed it
    twin_clash: bool = False  # renamed because of an async twin (its own or another method's)

    @property
    def renamed(self) -> bool:
        return self.name != self.wanted


class Scope:
    """One namespace in which names must be unique (rules 6 and 7)."""

    def __init__(self, reserved: Collection[str] = frozenset(), *, pascal_case: bool = False):
        self._taken: set[str] = set(reserved)
        self._reserved = frozenset(reserved)
        self._pascal = pascal_case
        self._twins: set[str] = set()

    def _candidates(self, name: str) -> Iterator[str]:
        if name in self._reserved:
            name += "_"
        yield name
        n = 1
        while True:
            n += 1
            yield f"{name}{n}" if self._pascal else f"{name}_{n}"

    def claim(self, name: str) -> str:
        """``name`` (already cased), or the first free name rule 7 gives."""
        candidate = next(c for c in self._candidates(name) if c not in self._taken)
        self._taken.add(candidate)
        return candidate

    def claim_method(self, text: str) -> MethodName:
        """A snake_case method name for ``text`` whose async twin is free too; both are claimed."""
        wanted = next(self._candidates(snake(text)))
        candidate = next(c for c in self._candidates(snake(text))
                         if c not in self._taken and c + ASYNC_SUFFIX not in self._taken)
        # a twin is involved: the name is another method's twin, or only its own twin is taken
        twin_clash = wanted in self._twins or (wanted not in self._taken and wanted + ASYNC_SUFFIX in self._taken)
        self._taken.update((candidate, candidate + ASYNC_SUFFIX))
        self._twins.add(candidate + ASYNC_SUFFIX)
        return MethodName(candidate, candidate + ASYNC_SUFFIX, wanted, twin_clash)

    def __contains__(self, name: str) -> bool:
        return name in self._taken


def method_scope() -> Scope:
    """The names of one resource class."""
    return Scope(RESOURCE_RESERVED)


def argument_scope() -> Scope:
    """The keyword arguments of one generated method."""
    return Scope(set(METHOD_OPTIONS) | {"self"})


def constant(method_name: str) -> str:
    """Module-level constant for an operation's descriptor: ``get_response`` → ``_GET_RESPONSE``."""
    return "_" + method_name.upper().strip("_")


def group_key(parts: Collection[str]) -> str:
    """Dotted key of a resource group from its parts (spec text): each part snake_case; a
    top-level part the SDK object itself uses gets the suffix ``_`` (``sdk.hooks``)."""
    names = [snake(p) for p in parts]
    if names and names[0] in SDK_ATTRIBUTES:
        names[0] += "_"
    return ".".join(names)


def resource_module(group: str) -> str:
    """Module of a resource group (``llm.responses`` → ``llm_responses``); claim it in the
    resources package's scope."""
    return module(group.replace(".", "_"))


def resource_class(group: str) -> str:
    """Class of a resource group (``llm.responses`` → ``LlmResponses``)."""
    return pascal(group.replace(".", " "))


def resources_scope() -> Scope:
    """The modules of the resources package."""
    return Scope({"sdk", "models", "errors", "__init__"})


def operation_id(method: str, path: str) -> str:
    """The operationId of an operation that has none: ``get /users/{id}`` → ``get_users_id``."""
    return snake(f"{method} {path}")


def error_class(model: str) -> str:
    """Exception class for error bodies of model ``model``: the model name plus ``Error``
    unless it ends so already; a bare ``Error`` model gives ``ErrorResponse`` (so
    ``errors.Error`` never shadows the idea of an error base). Claim it in the error scope."""
    if model == "Error":
        return "ErrorResponse"
    return model if model.endswith("Error") else model + "Error"


def bundled_schema_key(file_name: str, folder: str, fragment: str, taken: Collection[str]) -> str:
    """Spec-level name of a schema bundled from another file (rule 8)."""
    segments = [s for s in fragment.split("/") if s]
    base = segments[-1].replace("~1", "/").replace("~0", "~") if segments else file_name.rsplit(".", 1)[0]
    base = base or "Schema"
    if base not in taken:
        return base
    prefixed = pascal(folder) + base if folder else base
    candidate, n = prefixed, 1
    while candidate in taken:
        n += 1
        candidate = f"{prefixed}_{n}"
    return candidate
