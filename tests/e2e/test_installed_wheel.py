"""The bot as a wheel installs it, run from a directory that is not the repository: it must
find its knowledge inside the installed package, not beside a source tree that is not there.

Fast and offline: the wheel is built with this environment's build backend, installed with
no dependencies into a fresh virtualenv, and the dependencies are this environment's, seen
through a .pth line (a directory added that way has its own .pth files ignored, so the
editable install of this repository stays out of sight)."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str | Path, cwd: Path = ROOT) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, text=True, capture_output=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_installed_wheel_runs_check_from_any_directory(tmp_path: Path) -> None:
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
        "--no-index", "--wheel-dir", tmp_path / "dist", ROOT)
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps",
        "--no-index", wheel)
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
                .strip())
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    where = run(python, "-c", "import bot.knowledge as k; print(k.__file__, k.DEFAULT_DIRECTORY)",
                cwd=elsewhere).split()
    assert all(Path(path).is_relative_to(venv) for path in where), where
    checked = run(python, "-m", "bot", "check", cwd=elsewhere)
    assert checked.startswith("ok: "), checked
    assert "pictures drawn" in checked and "knowledge/pictures/drawn keeps it" in checked
