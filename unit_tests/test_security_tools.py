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
    assert "pip-audit --strict" in audit


def test_bandit_fails_on_a_finding_and_skips_only_asserts(tmp_path):
    (tmp_path / "risky.py").write_text("def run(text):\n    assert text\n    return eval(text)\n")
    result = subprocess.run([*BANDIT, "-r", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "B307" in result.stdout  # eval
    assert "B101" not in result.stdout  # assert: skipped, with its reason, in pyproject.toml

