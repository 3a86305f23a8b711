"""Finds (and, with `ensure`, installs) the Chromium the browser tests run in.

Order: $REDRESS_CHROMIUM; a system Chromium (/usr/bin/chromium, then `chromium` or
`chromium-browser` on PATH); Playwright's own downloaded Chromium. `ensure` falls back to
`python -m playwright install chromium`, then, as root with apt-get, Debian's package.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Playwright

SYSTEM_CANDIDATES = ("/usr/bin/chromium",)
PATH_NAMES = ("chromium", "chromium-browser")


def _executable(path: str | os.PathLike[str] | None) -> str | None:
    if path and Path(path).is_file() and os.access(path, os.X_OK):
        return str(path)
    return None


def system_chromium() -> str | None:
    """The Chromium named by $REDRESS_CHROMIUM or installed on the system, if any."""
    configured = os.environ.get("REDRESS_CHROMIUM")
    if configured:
        # An explicit choice that doesn't exist is an error, not something to route around.
        if not _executable(configured):
            raise FileNotFoundError(f"REDRESS_CHROMIUM={configured} is not an executable file")
        return configured
    for candidate in SYSTEM_CANDIDATES:
        if found := _executable(candidate):
            return found
    for name in PATH_NAMES:
        if found := shutil.which(name):
            return found
    return None


def playwright_chromium(playwright: Playwright | None = None) -> str | None:
    """Playwright's downloaded Chromium, if `playwright install chromium` has been run.

    Pass the running Playwright when there is one (pytest-playwright's `playwright` fixture):
    a second sync_playwright() cannot start inside the first one's event loop.
    """
    if playwright is not None:
        return _executable(playwright.chromium.executable_path)
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as started:
            return _executable(started.chromium.executable_path)
    except Exception:  # noqa: BLE001 — any failure here just means "not available"
        return None


def find_chromium(playwright: Playwright | None = None) -> str | None:
    """The executable to launch, or None to let Playwright use its bundled Chromium.

    Raises FileNotFoundError when there is none at all, so tests fail with a clear message
    rather than Playwright's download hint.
    """
    if found := system_chromium():
        return found
    if playwright_chromium(playwright):
        return None
    raise FileNotFoundError(
        "No Chromium found for the browser tests. Run `python -m e2e_tests.browser ensure` "
        "(or `make browser`), or set REDRESS_CHROMIUM to a Chromium executable."
    )


def _describe() -> str | None:
    if found := system_chromium():
        return found
    if found := playwright_chromium():
        return f"{found} (Playwright's own)"
    return None


def _run(command: list[str]) -> bool:
    print("$", " ".join(command), flush=True)
    try:
        return subprocess.run(command, check=False).returncode == 0
    except OSError as error:
        print(f"  could not run: {error}", flush=True)
        return False


def ensure() -> int:
    """Make sure a Chromium is available, installing one if needed; 0 on success."""
    try:
        found = _describe()
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 1
    if found:
        print(f"Using Chromium: {found}")
        return 0

    print("No Chromium found; trying Playwright's download.", flush=True)
    if _run([sys.executable, "-m", "playwright", "install", "chromium"]) and (found := _describe()):
        print(f"Using Chromium: {found}")
        return 0

    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if shutil.which("apt-get") and is_root:
        print("Playwright could not download a browser; installing Debian's chromium.", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if (
            subprocess.run(["apt-get", "update"], env=env, check=False).returncode == 0
            and subprocess.run(["apt-get", "install", "-y", "chromium"], env=env, check=False).returncode == 0
            and (found := _describe())
        ):
            print(f"Using Chromium: {found}")
            return 0

    print(
        "Could not find or install Chromium for the browser tests.\n"
        "  - On most machines: python -m playwright install chromium\n"
        "  - On Debian/Ubuntu: sudo apt-get install chromium\n"
        "  - Or set REDRESS_CHROMIUM=/path/to/chromium",
        file=sys.stderr,
    )
    return 1


def main(argv: list[str]) -> int:
    if argv == ["ensure"]:
        return ensure()
    if argv in ([], ["which"]):
        try:
            found = _describe()
        except FileNotFoundError as error:
            print(error, file=sys.stderr)
            return 1
        print(found or "No Chromium found")
        return 0 if found else 1
    print("usage: python -m e2e_tests.browser [ensure|which]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
