"""Real app servers on loopback for the several-servers test and the load and fault runs.

A fresh PostgreSQL database (on the local server, or on a private cluster of our own started
with initdb and pg_ctl), `redress db upgrade` and `redress demo-data` run against it, any number
of gunicorn servers on it, and a resident's browser that speaks plain HTTP (requests): signing
in and giving feedback with CSRF tokens and file uploads, as a person's browser would.

Nothing here touches the machine's shared PostgreSQL beyond creating and dropping the one
database it names.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parent.parent
REDRESS = str(Path(sys.executable).parent / "redress")
LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
REFERENCE = re.compile(r"RDR-[0-9A-Z]{4}-[0-9A-Z]{4}")
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - the demo council's, shared/services/demo.py


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- databases ---------------------------------------------------------------------------------


def admin_url() -> str:
    """The maintenance database of the PostgreSQL server to make test databases on: the server of
    REDRESS_TEST_DATABASE_URL when it is a PostgreSQL URL, otherwise the local one."""
    given = os.environ.get("REDRESS_TEST_DATABASE_URL", "")
    if given.startswith("postgresql"):
        return make_url(given).set(database="postgres").render_as_string(hide_password=False)
    return LOCAL_POSTGRES


def postgres_answers(url: str) -> str | None:
    """None when a PostgreSQL server answers at `url`, otherwise why not."""
    engine = create_engine(_driver(url), connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable", said in the reason
        return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    finally:
        engine.dispose()
    return None


def _driver(url: str) -> str:
    return "postgresql+psycopg://" + url.removeprefix("postgresql://") if url.startswith("postgresql://") else url


def create_database(server_url: str, prefix: str = "redress_servers") -> str:
    """A new, empty database on the server of `server_url`; returns its URL."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    engine = create_engine(_driver(server_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    parsed = make_url(url)
    engine = create_engine(_driver(parsed.set(database="postgres").render_as_string(hide_password=False)),
                           isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    engine.dispose()


class PrivateCluster:
    """A PostgreSQL cluster of our own in a temporary folder, on a free port: ours to stop and restart."""

    def __init__(self, bin_dir: Path = PG_BIN) -> None:
        self.bin = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="redress-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.log = self.folder / "postgres.log"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command) -> None:
        # PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *map(str, command)], check=True, capture_output=True)  # noqa: S603

    def init(self) -> PrivateCluster:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(self.bin / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-instructions")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.folder}'\n"
                       "shared_buffers = 64MB\nmax_connections = 100\n")
        return self

    def _ctl(self, *args: str) -> None:
        self._run(self.bin / "pg_ctl", "-D", self.data, "-l", self.log, "-w", *args)

    def start(self) -> None:
        self._ctl("start")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("stop", "-m", mode)

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._ctl("stop", "-m", "immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


# --- the app -----------------------------------------------------------------------------------


def app_env(database_url: str, instance: Path, **extra: str) -> dict[str, str]:
    """The environment every app process and worker of one deployment shares."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("REDRESS_")}
    env.update(
        REDRESS_ENV="development",  # production wants HTTPS for its __Host- cookie; loopback is plain HTTP
        REDRESS_INSTANCE_PATH=str(instance),
        REDRESS_UPLOAD_PATH=str(instance / "uploads"),  # shared by every server, as a shared volume would be
        REDRESS_DATABASE_URL=database_url,
        REDRESS_SECRET_KEY="several-servers-share-this-secret-key-0123456789",  # noqa: S106 - loopback only
        REDRESS_MAIL_BACKEND="log",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def redress(args: list[str], env: dict[str, str], timeout: float = 300) -> str:
    result = subprocess.run([REDRESS, *args], env=env, cwd=REPO, capture_output=True, text=True,  # noqa: S603
                            timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"`redress {' '.join(args)}` failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


@dataclass
class Gunicorn:
    """One app server: gunicorn on a free loopback port with its own workers."""

    env: dict[str, str]
    workers: int = 2
    threads: int = 1
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait: float = 60) -> Gunicorn:
        self.log_path = Path(self.env["REDRESS_INSTANCE_PATH"]) / f"gunicorn-{self.port}.log"
        command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                   "--threads", str(self.threads), "--timeout", "60", "--graceful-timeout", "5",
                   "--log-level", "warning", "shared.app:create_app()"]
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(command, env=self.env, cwd=REPO, stdout=log,  # noqa: S603
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log_path.read_text()}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer /healthz within {wait} s:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- a resident's browser ----------------------------------------------------------------------


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    if match is None:
        raise AssertionError("no CSRF token on the page")
    return match.group(1)


def pdf(size: int) -> bytes:
    """A readable PDF of about `size` bytes (the upload check opens it): one page, then a comment of padding."""
    from unit_tests.crafted_files import plain_pdf

    return plain_pdf(padding=secrets.token_hex(max(0, size - 400) // 2).encode())


COMPLAINT = [  # (slug, answers) for a signed-in resident's complaint, in the journey's order
    ("service", {"service": "waste-recycling"}),
    ("what-happened", {"what_happened": "My bin was missed three weeks running."}),
    ("when", {"happened_on": ["3", "11", "2026"]}),
    ("put-it-right", {"outcome_wanted": "Collect my bin."}),
    ("asked-before", {"asked_before": "yes"}),
    ("someone-else", {"someone_else": "no"}),
    ("support", {"support": "no"}),
    ("contact", {"contact_method": "email"}),
]


class StepFailed(AssertionError):
    def __init__(self, step: str, status: int, detail: str = "") -> None:
        super().__init__(f"{step}: HTTP {status} {detail}".strip())
        self.step = step
        self.status = status


class Browser:
    """A resident's browser against one or more servers (a base URL per request, one cookie jar)."""

    def __init__(self, timings: dict[str, list[float]] | None = None) -> None:
        self.http = requests.Session()
        self.timings = timings if timings is not None else {}

    def _timed(self, step: str, method: str, url: str, **kwargs) -> requests.Response:
        started = time.perf_counter()
        response = self.http.request(method, url, allow_redirects=False, timeout=60, **kwargs)
        self.timings.setdefault(step, []).append((time.perf_counter() - started) * 1000)
        if response.status_code >= 500:
            raise StepFailed(step, response.status_code)
        return response

    def get(self, step: str, url: str) -> requests.Response:
        return self._timed(step, "GET", url)

    def post_form(self, step: str, url: str, data: dict, files=None, form_url: str | None = None) -> requests.Response:
        """GET the form (for its CSRF token), then POST it: what a person's browser does."""
        page = self.get(f"{step} (page)", form_url or url)
        if page.status_code != 200:
            raise StepFailed(f"{step} (page)", page.status_code, url)
        return self._timed(step, "POST", url, data={**data, "csrf_token": csrf_token(page.text)}, files=files)

    def sign_in(self, base: str, email: str, password: str = DEMO_PASSWORD, *, staff: bool = False) -> requests.Response:
        path = "/staff/sign-in" if staff else "/sign-in"
        return self.post_form("sign in", f"{base}{path}", {"email": email, "password": password})

    def sign_out(self, base: str) -> requests.Response:
        return self.post_form("sign out", f"{base}/sign-out", {}, form_url=f"{base}/cases")

    def start_complaint(self, base: str, attachments: list[tuple[str, bytes]]) -> str:
        """Every question of a complaint answered and the files added: the draft's URL, at check your answers."""
        response = self.post_form("start", f"{base}/feedback/new", {"kind": "complaint"})
        if response.status_code != 302:
            raise StepFailed("start", response.status_code)
        draft = base + response.headers["Location"].removeprefix(base).rsplit("/", 1)[0]
        for slug, answers in COMPLAINT:
            response = self.post_form(slug, f"{draft}/{slug}", answers)
            if response.status_code != 302:
                raise StepFailed(slug, response.status_code, response.text[-500:])
        uploads = [("files", (name, data, "application/pdf")) for name, data in attachments]
        response = self.post_form("files", f"{draft}/files", {"action": "continue"}, files=uploads)
        if response.status_code != 302 or not response.headers["Location"].endswith("/check-your-answers"):
            raise StepFailed("files", response.status_code, response.headers.get("Location", ""))
        return draft

    def send(self, draft: str) -> str:
        """Send the draft from check your answers and read the reference off the confirmation."""
        response = self.post_form("send", f"{draft}/check-your-answers", {})
        if response.status_code != 302:
            raise StepFailed("send", response.status_code)
        location = response.headers["Location"]
        confirmation = self.get("confirmation", location if location.startswith("http") else draft.split("/feedback")[0] + location)
        if confirmation.status_code != 200:
            raise StepFailed("confirmation", confirmation.status_code)
        found = REFERENCE.search(confirmation.text)
        if found is None:
            raise StepFailed("confirmation", confirmation.status_code, "no reference shown")
        return found.group(0)
