"""bandit and pip-audit run in `make test` (the `audit` target) and fail it on a finding; bandit's
configuration skips only what pyproject.toml gives a reason for."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BANDIT = [sys.executable, "-m", "bandit", "-q", "-c", str(ROOT / "pyproject.toml")]


def test_make_test_runs_the_audit_and_the_audit_runs_both_tools():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test: .*\baudit\b", makefile, re.MULTILINE)
    audit = makefile.split("\naudit:", 1)[1].split("\n\n", 1)[0]
    assert "bandit -q -c pyproject.toml -r portal staff shared" in audit
    assert ".ci/pip-audit $(BIN)" in audit and ".ci/npm-audit" in audit
    script = (ROOT / ".ci" / "pip-audit").read_text()
    # strict against either service; a machine reaching neither says so, and can be made to fail
    assert script.count("pip-audit\" --strict --skip-editable") == 2
    assert "--vulnerability-service osv" in script
    assert 'REDRESS_REQUIRE_PIP_AUDIT:-0}" = 1 ] && exit 1' in script


def test_the_audit_fails_where_it_cannot_ask_and_must(tmp_path):
    """With no vulnerability service reachable (a curl that reaches nothing stands in for a closed
    network), the script fails when the audit is required, and otherwise passes saying it did not run."""
    fake = tmp_path / "curl"
    fake.write_text("#!/bin/sh\nprintf 000\nexit 6\n")
    fake.chmod(0o755)
    env = {"PATH": f"{tmp_path}:/usr/bin:/bin", "REDRESS_REQUIRE_PIP_AUDIT": "1"}
    bin_dir = str(Path(sys.executable).parent)
    required = subprocess.run([str(ROOT / ".ci" / "pip-audit"), bin_dir], env=env, capture_output=True, text=True,
                              timeout=60)
    assert required.returncode == 1 and "pip-audit NOT RUN" in required.stderr
    env["REDRESS_REQUIRE_PIP_AUDIT"] = "0"
    allowed = subprocess.run([str(ROOT / ".ci" / "pip-audit"), bin_dir], env=env, capture_output=True, text=True,
                             timeout=60)
    assert allowed.returncode == 0 and "pip-audit NOT RUN" in allowed.stderr


def _npm_audit(tmp_path, npm_says: str, npm_exit: int, required: str) -> subprocess.CompletedProcess:
    """.ci/npm-audit with a stand-in npm that answers as the registry would."""
    fake = tmp_path / "npm"
    fake.write_text(f"#!/bin/sh\ncat <<'OUT'\n{npm_says}\nOUT\nexit {npm_exit}\n")
    fake.chmod(0o755)
    env = {"PATH": f"{tmp_path}:/usr/bin:/bin", "REDRESS_REQUIRE_NPM_AUDIT": required}
    return subprocess.run([str(ROOT / ".ci" / "npm-audit")], env=env, capture_output=True, text=True, timeout=60)


def test_npm_audit_fails_on_a_vulnerability_and_where_it_cannot_ask_and_must(tmp_path):
    clean = _npm_audit(tmp_path, "found 0 vulnerabilities", 0, "1")
    assert clean.returncode == 0 and "found 0 vulnerabilities" in clean.stdout
    found = _npm_audit(tmp_path, "htmx.org  <2.0.12\nSeverity: high\n1 high severity vulnerability", 1, "0")
    assert found.returncode == 1 and "1 high severity vulnerability" in found.stderr
    refused = "npm warn audit 405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk\n" \
              "npm error audit endpoint returned an error"
    unasked = _npm_audit(tmp_path, refused, 1, "1")
    assert unasked.returncode == 1 and "npm audit NOT RUN" in unasked.stderr
    allowed = _npm_audit(tmp_path, refused, 1, "0")
    assert allowed.returncode == 0 and "npm audit NOT RUN" in allowed.stderr


def test_bandit_fails_on_a_finding_and_skips_only_asserts(tmp_path):
    (tmp_path / "risky.py").write_text("def run(text):\n    assert text\n    return eval(text)\n")
    result = subprocess.run([*BANDIT, "-r", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "B307" in result.stdout  # eval
    assert "B101" not in result.stdout  # assert: skipped, with its reason, in pyproject.toml

