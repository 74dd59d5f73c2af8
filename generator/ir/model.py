"""The IR: everything the templates need. Names, annotations and doc lines are finished
strings; what lands in generated code as a value (wire names, locations, media kinds, retry
policies, stream and pagination declarations) is a typed value here, turned into Python source
by one function at emit time (`generator/emit/render.py`, the templates' `py` filter)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Location(str, Enum):
    """Where a parameter goes (OpenAPI `in`)."""

    PATH = "path"
    QUERY = "query"
    HEADER = "header"
    COOKIE = "cookie"


class MediaKind(str, Enum):
    """How a request body is encoded (the runtime's `Body.kind`)."""

    JSON = "json"
    MULTIPART = "multipart"
    FORM = "form"
    TEXT = "text"
    BINARY = "binary"


@dataclass(frozen=True, slots=True)
class BackoffIR:
    initial_interval_ms: int | float
    max_interval_ms: int | float
    exponent: int | float
    max_elapsed_ms: int | float


@dataclass(frozen=True, slots=True)
class RetryIR:
    """A retry policy from the spec (`x-sdkgen-retries`), defaults filled in from the runtime's
    `RetryConfig` (`generator/ir/retries.py`). `none`: never retry."""

    none: bool = False
    backoff: BackoffIR | None = None
    retry_connection_errors: bool = True
    status_codes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PaginationIR:
    cursor_param: str  # Python name of the parameter taking the cursor
    items_field: str
    cursor_field: str | None = None
    has_more_field: str | None = None


@dataclass(frozen=True, slots=True)
class OperationRef:
    """The descriptor of another operation: in this module (`module` None) or another one."""

    const: str
    module: str | None = None


@dataclass(frozen=True, slots=True)
class StreamIR:
    """The runtime's StreamSpec: how an event stream ends and resumes (`x-sdkgen-stream`)."""

    cursor: str | None = None
    terminal: tuple[str, ...] | None = None
    sentinel: str | None = None
    switch: str | None = None
    resume_param: str | None = None
    resume: OperationRef | None = None
    id_field: str | None = None
    id_param: str | None = None
    max_attempts: int | None = None
    initial_interval_ms: int | None = None
    max_interval_ms: int | None = None


@dataclass(frozen=True, slots=True)
class ServerIR:
    """A server URL template and its variables: (name, default, allowed values)."""

    url: str
    variables: tuple[tuple[str, str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class Arg:
    """One keyword argument of a generated method, rendered as `name: annotation = default`."""

    name: str
    annotation: str
    default: str | None  # Python source of the default; None means required
    doc: tuple[str, ...] = ()

    @property
    def rendered(self) -> str:
        return f"{self.name}: {self.annotation}" + (f" = {self.default}" if self.default is not None else "")


@dataclass(frozen=True, slots=True)
class Signature:
    args: tuple[str, ...]  # rendered arguments, keyword-only
    returns: str
    returns_async: str
    overload: bool


@dataclass(frozen=True, slots=True)
class ParamIR:
    py_name: str
    wire: str
    location: Location
    style: str
    explode: bool


@dataclass(frozen=True, slots=True)
class BodyIR:
    media_type: str
    kind: MediaKind
    fields: tuple[tuple[str, str], ...]  # (wire name, python name) for a body built from kwargs
    single_arg: str | None  # the argument that is the whole body, when not built from kwargs
    nullable: tuple[str, ...]  # wire names of fields that may be sent as JSON null


@dataclass(frozen=True, slots=True)
class ErrorIR:
    status: str
    model: str | None  # the model name, or None
    class_name: str


@dataclass(frozen=True, slots=True)
class OperationIR:
    name: str  # Python method name
    async_name: str  # its async twin
    const: str  # module-level descriptor name
    operation_id: str
    http_method: str  # upper case
    path: str
    doc: tuple[str, ...]
    args_doc: tuple[tuple[str, tuple[str, ...]], ...]
    signatures: tuple[Signature, ...]
    params: tuple[ParamIR, ...]
    body: BodyIR | None
    response: str | None  # model name of the result, or None
    event: str | None  # model name of one event of its stream, or None
    stream_switch: str | None  # the argument that turns its event stream on, if it has one
    always_streams: bool  # it always answers with an event stream
    errors: tuple[ErrorIR, ...]
    security: tuple[tuple[str, ...], ...] | None  # None: the SDK's default; else alternatives of scheme names
    timeout_ms: int | None
    retries: RetryIR | None
    deprecated: bool
    method_md: str = ""
    path_md: str = ""
    summary_md: str = ""
    stream: StreamIR | None = None  # filled once every operation is known
    resume: ResumeIR | None = None  # how its stream resumes, for the README
    pagination: PaginationIR | None = None
    example_args: tuple[str, ...] = ()  # `name=value` for a usage snippet (values are literals)
    download: str | None = None  # the Accept header when the success body is a file, returned unread
    redirect: bool = False  # the declared outcome is a 3xx redirect (no 2xx)
    accept: str | None = None  # the Accept header of a JSON response that is not application/json


@dataclass(frozen=True, slots=True)
class ResumeIR:
    """How a stream resumes, in the words of the generated SDK (for its README)."""

    via: str  # "group.method" of the operation it resumes through
    same: bool  # True when that is the operation itself
    param: str  # its argument that takes the cursor
    cursor: str  # the event field holding the cursor (wire name)
    id_param: str = ""  # its argument that takes the resource id (another operation only)
    id_field: str = ""  # where the events carry that id
    switch: str = ""  # its boolean argument that turns streaming on, if any


@dataclass(frozen=True, slots=True)
class ChildIR:
    attr: str
    module: str
    class_name: str


@dataclass(frozen=True, slots=True)
class GroupIR:
    key: str
    module: str
    class_name: str
    doc: tuple[str, ...]
    operations: tuple[OperationIR, ...]
    children: tuple[ChildIR, ...]
    downloads: bool = False  # an operation returns a Download (the module imports it)


@dataclass(frozen=True, slots=True)
class SecurityIR:
    name: str
    type: str
    scheme: str
    location: str
    param: str
    arg: str  # constructor argument name
    annotation: str
    doc: tuple[str, ...]
    token_url: str | None = None  # OAuth2 client-credentials token URL


@dataclass(frozen=True, slots=True)
class GlobalIR:
    """A parameter the SDK constructor takes as a default for every operation declaring it."""

    arg: str  # constructor argument name
    annotation: str
    key: tuple[str, str]  # the runtime key: (location, wire name; lower case for headers)
    doc: tuple[str, ...]
    wire_md: str = ""  # the wire name as a Markdown code span


@dataclass(frozen=True, slots=True)
class ErrorClassIR:
    class_name: str
    base: str
    model: str  # model name in the models module
    doc: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CallIR:
    """A call in a README snippet: `sdk.{target}({args})`, `sdk.{group}.with_raw_response.{method}()`."""

    group: str  # "llm.responses"
    method: str  # "create"
    async_method: str  # "create_async"
    args: str = ""  # the keyword arguments, rendered: `model="x", stream=True`

    @property
    def target(self) -> str:
        return f"{self.group}.{self.method}"

    @property
    def async_target(self) -> str:
        return f"{self.group}.{self.async_method}"


@dataclass(frozen=True, slots=True)
class ReadmeOpIR:
    """One operation in the README's list, with its snippet."""

    op: OperationIR
    call: CallIR
    streams: bool  # it always answers with an event stream: `with ... as events`
    returns: bool  # it has a result to print (else the snippet only calls it)


@dataclass(frozen=True, slots=True)
class ReadmeGroupIR:
    key: str
    ops: tuple[ReadmeOpIR, ...]


@dataclass(frozen=True, slots=True)
class ReadmeResumeIR:
    """A row of the README's table of streams that resume."""

    target: str  # "group.method" of the streaming operation
    resume: ResumeIR


@dataclass(frozen=True, slots=True)
class ResumeExampleIR:
    """The README's example of resuming a stream by hand after StreamInterruptedError."""

    call: CallIR  # the streaming call
    again: CallIR  # the call that resumes it (arguments from the exception)
    other: bool  # it resumes through another operation taking an id: check that it arrived first
    id_param: str  # that operation's argument taking the id


@dataclass(frozen=True, slots=True)
class ReadmeIR:
    """What the README shows, chosen while building the IR (generator/ir/readme.py)."""

    creds: str = ""  # the SDK constructor's credential arguments, placeholders: `api_key="<YOUR_API_KEY>"`
    creds_and: str = ""  # the same followed by ", " when there are any (more arguments follow)
    quickstart: CallIR | None = None  # the first operation
    groups: tuple[ReadmeGroupIR, ...] = ()  # groups that have operations
    stream_example: CallIR | None = None  # the first operation that can stream, streaming
    resumes: tuple[ReadmeResumeIR, ...] = ()
    resume_example: ResumeExampleIR | None = None
    example: CallIR | None = None  # an operation callable without arguments (a GET if there is one)
    page_example: CallIR | None = None  # the same among paginated operations
    paginated_md: str = ""  # the paginated operations, as a Markdown list in one line
    timeouts_md: str = ""  # the operations' default timeouts from the spec, in one line
    global_example: GlobalIR | None = None  # the SDK-wide parameter default shown in the example


@dataclass(frozen=True, slots=True)
class SdkIR:
    package: str
    dist_name: str
    version: str
    generator_version: str
    title: str
    title_doc: tuple[str, ...]
    title_md: str
    title_toml: str
    doc: tuple[str, ...]
    servers: tuple[str, ...]  # URLs, variables filled with their defaults
    security: tuple[SecurityIR, ...]
    default_retries: RetryIR | None
    root_children: tuple[ChildIR, ...]
    groups: tuple[GroupIR, ...]
    error_classes: tuple[ErrorClassIR, ...]
    models_doc: dict[str, Any] = field(repr=False)  # normalised schemas for datamodel-code-generator
    operation_count: int = 0
    # the servers' URL templates and variables, when a server has variables (else empty)
    server_templates: tuple[ServerIR, ...] = ()
    globals: tuple[GlobalIR, ...] = ()
    page_models: tuple[str, ...] = ()  # models whose base is the runtime's CursorPage
    log_env: str = ""  # the environment variable that turns on debug logging
    default_retries_md: str = ""  # the API-wide retry policy in words, for the README
    readme: ReadmeIR = field(default_factory=ReadmeIR)  # the README's examples
    client_credentials: bool = False  # a security scheme takes ClientCredentials (sdk.py imports it)
    sdk_doc_subject: str = "the API"  # completes the SDK class's first doc line: "Client for ..."
    # the root `security`: alternatives (tuples) of scheme names, spec order
    default_security: tuple[tuple[str, ...], ...] = ()

    @property
    def user_agent(self) -> str:
        return f"{self.dist_name}/{self.version} sdkgen/{self.generator_version} python"
