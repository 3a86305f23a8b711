"""Lighthouse (npm `lighthouse`, a devDependency) on the main resident pages, mobile profile.

Builds the demo council in a temporary SQLite database (or uses `--database URL`), serves it under
gunicorn on loopback and runs Lighthouse with Debian's Chromium (CHROME_PATH, default
/usr/bin/chromium) on each page: the performance and accessibility scores, the bytes transferred
(compressed, as sent), the number of requests sent (one answered from the browser's cache is
not counted) and any to another host, the cumulative layout shift, beside issue 11's targets
(performance >= 95, accessibility 100, <= 100 KB, <= 7 requests, none third-party). Signed-in
pages get the session cookie of a resident signed in through the portal. Nothing here asserts:
it prints, and says MISS where a target is missed.

    python -m bench.lighthouse [--database URL] [--runs 1] [--details] [--reports DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from bench._server import app_for, gunicorn, sign_in
from shared import migrate
from shared.db import db

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
RESIDENT = "resident@example.com"
TARGETS = {"performance": 95, "accessibility": 100, "kilobytes": 100, "requests": 7}
# (label, path, signed in as the demo resident)
PAGES = [
    ("portal home", "/", False),
    ("give feedback", "/feedback", False),
    ("sign in", "/sign-in", False),
    ("your cases", "/cases", True),
    ("a case", None, True),  # the resident's newest case
    ("feedback: what happened", None, True),  # a step of a new draft
]


def _demo_database(folder: str) -> str:
    url = f"sqlite:///{folder}/lighthouse.sqlite3"
    app, _ = app_for(url)
    with app.app_context():
        migrate.upgrade(db.engine)
    with app.test_request_context():
        from shared.services import demo

        demo.load()
        db.session.commit()
    return url


def _resident_paths(base: str, browser) -> dict[str, str]:
    """The resident's newest case page and a draft's "what happened" step, found through the portal."""
    import re

    cases = browser.get(f"{base}/cases").text
    case = re.search(r'href="(/cases/RDR-[0-9A-Z]{4}-[0-9A-Z]{4})"', cases)
    start = browser.get(f"{base}/feedback/new").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', start).group(1)
    new = browser.post(f"{base}/feedback/new", data={"kind": "complaint", "csrf_token": token}, allow_redirects=False)
    service = new.headers["Location"]
    form = browser.get(f"{base}{urlsplit(service).path}" if service.startswith("http") else f"{base}{service}").text
    slug = re.search(r'name="service"[^>]*value="([^"]+)"', form).group(1)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    step = browser.post(f"{base}{urlsplit(service).path}", data={"service": slug, "csrf_token": token},
                        allow_redirects=False).headers["Location"]
    return {"a case": case.group(1), "feedback: what happened": urlsplit(step).path}


def _lighthouse(url: str, cookie: str | None, out: Path) -> dict:
    command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
               "--only-categories=performance,accessibility", "--form-factor=mobile",
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]
    if cookie:
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(command, check=True, env=env, timeout=300)  # noqa: S603 - our own devDependency
    return json.loads(out.read_text())


def _summary(report: dict, host: str) -> dict:
    audits = report["audits"]
    listed = audits["network-requests"]["details"]["items"]
    # Answered from the browser's own cache (nothing sent; Chromium asks for the icon twice, for the
    # tab and for the manifest, and the second finds the first kept): listed by Lighthouse, not sent.
    requests = [r for r in listed if r.get("transferSize", 0) > 0 or r.get("statusCode") != 200]
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "kilobytes": audits["total-byte-weight"]["numericValue"] / 1024,
        "requests": len(requests),
        "third_party": sorted({urlsplit(r["url"]).netloc for r in requests
                               if urlsplit(r["url"]).netloc not in {host, ""}}),
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "paths": [urlsplit(r["url"]).path + ("" if r in requests else " (from cache)") for r in listed],
        "shifted": [item.get("node", {}).get("selector", "?")
                    for item in (audits.get("layout-shifts", {}).get("details") or {}).get("items", [])],
        "failed": sorted(a["id"] for a in audits.values()
                         if a.get("scoreDisplayMode") in {"binary", "numeric"} and a.get("score") is not None
                         and a["score"] < 0.9 and a["id"] in _CATEGORY_AUDITS(report)),
    }


def _CATEGORY_AUDITS(report: dict) -> set[str]:  # noqa: N802 - read as a constant of the report
    return {ref["id"] for category in report["categories"].values() for ref in category["auditRefs"]
            if ref.get("weight", 0) > 0}


def _verdict(row: dict) -> str:
    misses = []
    if row["performance"] < TARGETS["performance"]:
        misses.append("performance")
    if row["accessibility"] < TARGETS["accessibility"]:
        misses.append("accessibility")
    if row["kilobytes"] > TARGETS["kilobytes"]:
        misses.append("weight")
    if row["requests"] > TARGETS["requests"]:
        misses.append("requests")
    if row["third_party"]:
        misses.append("third-party")
    return "ok" if not misses else "MISS " + ",".join(misses)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a database URL (default: the demo council in a temporary SQLite file)")
    parser.add_argument("--details", action="store_true", help="also each page's requests and layout shifts")
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs a page; the median score is shown")
    parser.add_argument("--reports", type=Path, help="a folder to keep Lighthouse's JSON reports in")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("npm lighthouse is not installed: run `npm ci`")
    from shared.services import demo

    with tempfile.TemporaryDirectory() as folder:
        url = args.database or _demo_database(folder)
        reports = args.reports or Path(folder)
        reports.mkdir(parents=True, exist_ok=True)
        _, env = app_for(url)
        with gunicorn(env) as base:
            resident = sign_in(base, RESIDENT, demo.DEMO_PASSWORD, staff=False)
            paths = _resident_paths(base, resident)
            cookie = "; ".join(f"{c.name}={c.value}" for c in resident.cookies)
            print(f"{'page':28} {'perf':>5} {'a11y':>5} {'KB':>7} {'req':>4} {'LCP ms':>7} {'CLS':>6}  verdict / audits below 0.9")
            for label, path, signed_in in PAGES:
                runs = []
                for number in range(args.runs):
                    report = _lighthouse(f"{base}{path or paths[label]}", cookie if signed_in else None,
                                         reports / f"{label}-{number}.json".replace(" ", "_").replace(":", ""))
                    runs.append(_summary(report, urlsplit(base).netloc))
                row = sorted(runs, key=lambda r: r["performance"])[len(runs) // 2]
                print(f"{label:28} {row['performance']:5} {row['accessibility']:5} {row['kilobytes']:7.1f} "
                      f"{row['requests']:4} {row['lcp_ms']:7.0f} {row['cls']:6.3f}  {_verdict(row)} {' '.join(row['failed'])}"
                      f"{' third-party: ' + ','.join(row['third_party']) if row['third_party'] else ''}")
                if args.details:
                    print(f"    requests: {' '.join(row['paths'])}\n    shifted: {' '.join(row['shifted']) or '-'}")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
