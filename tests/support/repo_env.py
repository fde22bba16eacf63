"""A repository whose tests need a package that only its setup installs (issue #27).

The package is a real wheel built here (a zip with its dist-info), kept in ``vendor/``;
setup "installs" it without network by unpacking it into ``vendor/site`` (stdlib
``zipfile``), where the repository's test script looks for its dependencies. Without
setup the tests fail with ``ModuleNotFoundError: No module named 'helperpkg'``.
"""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from pathlib import Path

from tests.support.sample_repos import CALC_BUGGY, make_repo
from tests.support.sandbox_attacks import Job, run_action

WHEEL = "vendor/helperpkg-1.0-py3-none-any.whl"
SETUP = f"python -m zipfile -e {WHEEL} vendor/site"
RUN_TESTS = (
    "import sys\n"
    "sys.path.insert(0, 'vendor/site')  # what setup installs\n"
    "import helperpkg\n"
    "from calc import add\n"
    "if add(2, 3) != helperpkg.expected_sum(2, 3):\n"
    "    print('FAIL test_add: add(2, 3) ==', add(2, 3))\n"
    "    sys.exit(1)\n"
    "print('1 passed')\n"
)
CONFIG = "version: 1\ntest:\n  command: python run_tests.py\n  timeout_seconds: 60\n"


def wheel() -> bytes:
    files = {
        "helperpkg/__init__.py": "def expected_sum(a, b):\n    return a + b\n",
        "helperpkg-1.0.dist-info/METADATA": (
            "Metadata-Version: 2.1\nName: helperpkg\nVersion: 1.0\n"
        ),
        "helperpkg-1.0.dist-info/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = "".join(f"{name},,\n" for name in files) + "helperpkg-1.0.dist-info/RECORD,,\n"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in {**files, "helperpkg-1.0.dist-info/RECORD": record}.items():
            zf.writestr(name, text)
    return buf.getvalue()


def env_repo(root: Path, config: str = CONFIG, extra: dict[str, str] | None = None) -> Path:
    files: dict[str, str | bytes] = {
        "calc.py": CALC_BUGGY,
        "run_tests.py": RUN_TESTS,
        WHEEL: wheel(),
        ".gitignore": "vendor/site/\n",
        ".github/foreman.yml": config,
    }
    files.update(extra or {})
    return make_repo(root, files)


def with_setup(*commands: str) -> str:
    listed = "".join(f"    - {json.dumps(c)}\n" for c in commands)
    return CONFIG + f"setup:\n  commands:\n{listed}  timeout_seconds: 60\n"


def run_action_setup(
    job: Job, *, secrets: dict[str, str], extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -I scripts/action_run.py`` with INPUT_COMMAND=setup, as action.yml runs it,
    given the secrets a careless workflow might pass (they must not reach setup)."""
    return run_action(job, "setup", {**secrets, **(extra_env or {})})
