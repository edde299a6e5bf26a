"""The layering of DESIGN §2 holds: import-linter contracts pass and modules stay small."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "crm_desktop"


def test_import_linter_contracts_are_kept() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_module_is_a_god_module() -> None:
    sizes = {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
        if "migrations/versions" not in path.as_posix()
    }
    too_big = {name: lines for name, lines in sizes.items() if lines > 600}
    assert not too_big, f"split these by responsibility: {too_big}"


def test_nothing_builds_an_engine_at_import_time() -> None:
    code = (
        "import gc, crm_desktop.services.workspace, crm_desktop.services.reporting, crm_desktop.cli\n"
        "from sqlalchemy.engine import Engine\n"
        "print(sum(isinstance(o, Engine) for o in gc.get_objects()))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0", "an engine was created at import time"
