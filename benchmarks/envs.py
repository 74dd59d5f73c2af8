"""The benchmark's virtual environments, one per contender.

Each peer lives in its own venv under ``benchmarks/.venvs/`` (gitignored): ``meetkai-mka1``
installs the import name ``mka1`` too, so it must never share an environment with our SDK. A
peer venv is reused while its requirement list is unchanged (a marker file records it; a lock
file keeps two runs from building the same venv at once); ``--refresh-venvs`` rebuilds them.
Our SDK gets a new venv in the run's temporary folder every time, installed with pip from a
snapshot of ``generated/``, since other work changes it all the time and runs may overlap.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENVS = ROOT / "benchmarks" / ".venvs"
MARKER = ".bench-requirements.json"

# name -> (requirements, packages whose versions the report shows)
PEERS: dict[str, tuple[list[str], list[str]]] = {
    "server": (["uvicorn", "starlette", "httptools", "uvloop"], ["uvicorn", "starlette", "httptools", "uvloop"]),
    "openai": (["openai"], ["openai", "httpx2", "httpx", "pydantic", "pydantic-core", "jiter"]),
    "meetkai": (["meetkai-mka1==0.12.128"], ["meetkai-mka1", "httpx", "pydantic", "pydantic-core"]),
    "opc": (["openapi-python-client"], ["openapi-python-client", "ruff"]),
    "dcg": (["datamodel-code-generator==0.89.0", "black", "isort"], ["datamodel-code-generator", "black", "isort"]),
}
OURS_SHOWN = ["mka1", "httpx", "httpcore", "h11", "pydantic", "pydantic-core"]


@dataclass
class Env:
    name: str
    path: Path
    ok: bool = True
    reason: str = ""
    versions: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def python(self) -> str:
        return str(self.path / "bin" / "python")

    @property
    def bin(self) -> Path:
        return self.path / "bin"


def _pip(target: Path, args: list[str], log: Path) -> None:
    cmd = [sys.executable, "-m", "pip", "--python", str(target / "bin" / "python"), *args]
    with log.open("a") as out:
        out.write(f"$ {' '.join(cmd)}\n")
        out.flush()
        subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, check=True, timeout=900)


def _create(path: Path) -> None:
    if path.exists():
        shutil.rmtree(path)
    # No pip inside: the runner's pip installs into it (`pip --python`), which is faster.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)


def versions(env: Env, names: list[str]) -> dict[str, str]:
    code = (
        "import json, sys\nfrom importlib import metadata\nout = {}\n"
        "for n in sys.argv[1:]:\n"
        "    try: out[n] = metadata.version(n)\n"
        "    except metadata.PackageNotFoundError: pass\n"
        "print(json.dumps(out))"
    )
    done = subprocess.run([env.python, "-c", code, *names], capture_output=True, text=True)
    return json.loads(done.stdout or "{}") if done.returncode == 0 else {}


@contextmanager
def locked():
    """Held while peer venvs are checked or built."""
    import fcntl

    VENVS.mkdir(parents=True, exist_ok=True)
    with (VENVS / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure(name: str, requirements: list[str], refresh: bool, log: Path, where: Path = VENVS) -> Env:
    """A venv holding ``requirements``, reused when it already does."""
    env = Env(name, where / name)
    started = time.perf_counter()
    marker = env.path / MARKER
    try:
        current = json.loads(marker.read_text()) if marker.is_file() else None
    except ValueError:
        current = None
    if refresh or current != requirements or not Path(env.python).exists():
        try:
            _create(env.path)
            _pip(env.path, ["install", "-q", *requirements], log)
            marker.write_text(json.dumps(requirements))
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            env.ok = False
            env.reason = f"install of {' '.join(requirements)} failed ({exc}); see {log}"
    env.seconds = time.perf_counter() - started
    return env


def ensure_ours(log: Path, snapshot_dir: Path) -> Env:
    """Our SDK in a new venv, installed with pip from a snapshot of ``generated/`` (never built
    in place)."""
    snapshot = snapshot_dir / "generated"
    if snapshot.exists():
        shutil.rmtree(snapshot)
    shutil.copytree(
        ROOT / "generated",
        snapshot,
        ignore=shutil.ignore_patterns("build", "dist", "*.egg-info", "__pycache__", "*.pyc"),
    )
    env = Env("ours", snapshot_dir / "venv-ours")
    started = time.perf_counter()
    try:
        _create(env.path)
        _pip(env.path, ["install", "-q", str(snapshot)], log)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        env.ok = False
        env.reason = f"pip install ./generated failed ({exc}); see {log}"
    env.seconds = time.perf_counter() - started
    return env
