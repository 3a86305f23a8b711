"""A real clamd (ClamAV's daemon, Debian's clamav-daemon) on loopback for the scanning tests.

It loads only a signature database written here, which detects the EICAR test file (by its hash
and, inside archives, by its bytes), so no signature download is needed. `make clamd` installs
the daemon on a fresh machine; without it these tests fail, saying so.
"""

from __future__ import annotations

import hashlib
import shutil
import socket
import subprocess
import time
from pathlib import Path

from unit_tests.mail_servers import free_port

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Redress-Test-EICAR"


def clamd_binary() -> str:
    found = shutil.which("clamd") or next((p for p in ("/usr/sbin/clamd",) if Path(p).is_file()), None)
    if found is None:
        raise RuntimeError("clamd is not installed: run `make clamd` (Debian/Ubuntu: apt-get install clamav-daemon)")
    return found


class Clamd:
    """clamd listening on 127.0.0.1 (TCP) and on a unix socket in `directory`."""

    def __init__(self, directory: Path, stream_max_length: str = "12M") -> None:
        self.directory = directory
        self.stream_max_length = stream_max_length  # clamd answers "size limit exceeded" past it
        self.port = free_port()
        self.socket_path = directory / "clamd.sock"
        self.process: subprocess.Popen | None = None

    @property
    def tcp_address(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    @property
    def unix_address(self) -> str:
        return f"unix://{self.socket_path}"

    def _write_config(self) -> Path:
        database = self.directory / "db"
        database.mkdir(exist_ok=True)
        (database / "redress-test.hdb").write_text(f"{hashlib.md5(EICAR).hexdigest()}:{len(EICAR)}:{SIGNATURE}\n")  # noqa: S324 — ClamAV's hash format
        (database / "redress-test.ndb").write_text(f"{SIGNATURE}-Body:0:*:{EICAR.hex()}\n")
        config = self.directory / "clamd.conf"
        config.write_text("\n".join([
            "Foreground yes",
            f"DatabaseDirectory {database}",
            "TCPAddr 127.0.0.1",
            f"TCPSocket {self.port}",
            f"LocalSocket {self.socket_path}",
            f"LogFile {self.directory / 'clamd.log'}",
            f"StreamMaxLength {self.stream_max_length}",
            "SelfCheck 3600",
            "",
        ]))
        return config

    def start(self, timeout: float = 60.0) -> None:
        config = self._write_config()
        self.process = subprocess.Popen([clamd_binary(), "-c", str(config)], stdout=subprocess.DEVNULL,  # noqa: S603
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (self.directory / "clamd.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"clamd stopped while starting:\n{log}")
            if self.answers():
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("clamd did not answer within a minute")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"nPING\n")
                return connection.recv(16).strip() == b"PONG"
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
