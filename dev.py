#!/usr/bin/env python3
"""The commands: `python3 dev.py run` (and `chat`), `test`, `lock`.

Needs only Python 3.11+ and git. Makes `.venv` on first use, installs the locked
versions into it (`requirements.txt`, or `requirements-test.txt` for the tests, every
file checked against its hash; again only when a lock changes), then Mashwara itself
without dependencies, and runs Mashwara or its checks. `lock` regenerates both locks
from pyproject.toml after a dependency changes there.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PG = ("127.0.0.1", 5432)
# The contract tests run Prism mocks of the providers' OpenAPI specs (tests/specs).
PRISM = ("@stoplight/prism-cli", "5.14.2")
PRISM_DIR = ROOT / "build" / "prism"
# The lock files: every package, its version and the hashes of its files.
LOCKS = {"": ROOT / "requirements.txt", "test": ROOT / "requirements-test.txt"}
# Locked beside the dependencies: the installers, and (for the tests) the resolver
# that `lock` runs, so nothing is installed unhashed.
TOOLING = "pip>=25.3\nsetuptools>=78.1.1\n"
RESOLVER = "uv>=0.9\n"


def sh(*command: str, **options) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True, cwd=ROOT, **options)


def ensure_venv(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036  (dev.py runs before any install)
        sys.exit("Mashwara needs Python 3.11 or newer.")
    if not (BIN / "python").exists():
        sh(sys.executable, "-m", "venv", str(VENV))
    lock = LOCKS[extras]
    stamp = VENV / f".installed-{extras or 'base'}"
    wanted = hashlib.sha256(lock.read_bytes() + (ROOT / "pyproject.toml").read_bytes())
    if stamp.exists() and stamp.read_text() == wanted.hexdigest():
        return
    pip = (str(BIN / "python"), "-m", "pip", "install", "--quiet")
    sh(*pip, "--require-hashes", "--only-binary", ":all:", "-r", str(lock))
    sh(*pip, "--no-deps", "--no-build-isolation", "-e", ".")
    stamp.write_text(wanted.hexdigest())


def lock(args: list[str]) -> None:
    """Resolves pyproject.toml again into both lock files (PyPI, hashes of every file
    for every platform); the run lock takes the test lock's versions. Versions already
    locked stay unless `--upgrade` is given."""
    ensure_venv("test")
    compile_ = (str(BIN / "uv"), "pip", "compile", "--quiet", "--generate-hashes",
                "--universal", "--python-version", "3.11",
                *(["--upgrade"] if "--upgrade" in args else []),
                "--index-url", "https://pypi.org/simple", "--custom-compile-command",
                "python3 dev.py lock")
    environment = {**os.environ, "UV_FIND_LINKS": "", "UV_NO_CONFIG": "1"}
    test_lock, run_lock = LOCKS["test"].name, LOCKS[""].name
    sh(*compile_, "pyproject.toml", "--extra", "test", "-", "-o", test_lock,
       input=TOOLING + RESOLVER, text=True, env=environment)
    sh(*compile_, "pyproject.toml", "-", "-c", test_lock, "-o", run_lock,
       input=TOOLING, text=True, env=environment)
    print("Locked. Commit requirements.txt and requirements-test.txt.")


def postgres_up() -> bool:
    try:
        with socket.create_connection(PG, timeout=1):
            return True
    except OSError:
        return False


def ensure_postgres() -> None:
    if postgres_up() or os.environ.get("MASHWARA_TEST_PG"):
        return
    clusters = Path("/etc/postgresql")
    if shutil.which("pg_ctlcluster") and clusters.exists():
        for version in sorted(p.name for p in clusters.iterdir()):
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main",
                            "start"], check=False)
        for _ in range(30):
            if postgres_up():
                return
            time.sleep(1)
    sys.exit("PostgreSQL is not reachable on 127.0.0.1:5432. Start it, set MASHWARA_TEST_PG"
             " to a server URL, or run `python3 dev.py test --sqlite-only`.")


CHROMIUM = Path("/usr/bin/chromium")
SOURCES = ("bot", "webhooks", "flows", "dashboard", "locales")


def ensure_chromium() -> None:
    """The dashboard's browser tests drive Debian's Chromium (never a downloaded browser)."""
    if CHROMIUM.exists():
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        sh("apt-get", "update", "-qq", env=env)
        sh("apt-get", "install", "-y", "-qq", "chromium", env=env)
        return
    sys.exit(f"{CHROMIUM} is missing; the browser tests need it. Install Debian's package:"
             " sudo apt-get install -y chromium")


KANNEL = (Path("/usr/sbin/bearerbox"), Path("/usr/sbin/smsbox"),
          Path("/usr/lib/kannel/test/fakesmsc"))


def ensure_kannel() -> None:
    """The Kannel tests run Debian's real gateway: bearerbox and smsbox (`kannel`) and
    the test SMSC fakesmsc (`kannel-extras`)."""
    if all(path.exists() for path in KANNEL):
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        sh("apt-get", "update", "-qq", env=env)
        sh("apt-get", "install", "-y", "-qq", "kannel", "kannel-extras", env=env)
        return
    sys.exit("The Kannel tests need Debian's kannel and kannel-extras packages, and this is"
             " not root: sudo apt-get install -y kannel kannel-extras")


def ensure_prism() -> None:
    package = PRISM_DIR / "node_modules" / PRISM[0] / "package.json"
    if package.exists() and f'"version": "{PRISM[1]}"' in package.read_text():
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("The contract tests need Node.js 20+ and npm, to install Prism"
                 f" ({PRISM[0]}@{PRISM[1]}) into build/prism.")
    PRISM_DIR.mkdir(parents=True, exist_ok=True)
    sh(npm, "install", "--prefix", str(PRISM_DIR), "--no-audit", "--no-fund", "--silent",
       f"{PRISM[0]}@{PRISM[1]}")


def mashwara(command: str):
    def start(args: list[str]) -> None:
        ensure_venv("")
        os.execv(str(BIN / "mashwara"), [str(BIN / "mashwara"), command, *args])
    return start


def test(args: list[str]) -> None:
    sqlite_only = "--sqlite-only" in args
    args = [a for a in args if a != "--sqlite-only"]
    ensure_venv("test")
    ensure_prism()
    sh(str(BIN / "ruff"), "check", ".")
    # The layers (pyproject.toml [tool.importlinter]): no circles, domains below flows.
    sh(str(BIN / "lint-imports"))
    # Static security checks of our code; a finding is fixed or explained with `# nosec`.
    sh(str(BIN / "bandit"), "-q", "-r", *SOURCES)
    check_dir = ROOT / "build" / "flows-check"
    check_dir.mkdir(parents=True, exist_ok=True)
    print("+ mashwara flows check", flush=True)
    subprocess.run([str(BIN / "mashwara"), "flows", "check"], check=True, cwd=check_dir)
    ensure_chromium()
    ensure_kannel()
    if sqlite_only:
        sh(str(BIN / "pytest"), "--db", "sqlite", *args)
        return
    ensure_postgres()
    both_backends(args)


def both_backends(args: list[str]) -> None:
    """The suite on SQLite and on PostgreSQL side by side (one core each), each into
    its own log, printed in turn when both are done."""
    runs = {}
    for backend in ("sqlite", "postgresql"):
        log = ROOT / "build" / f"pytest-{backend}.log"
        print(f"+ pytest --db {backend} {' '.join(args)}  (output: {log})", flush=True)
        runs[backend] = (log, subprocess.Popen(
            [str(BIN / "pytest"), "--db", backend, *args], cwd=ROOT,
            stdout=log.open("w"), stderr=subprocess.STDOUT))
    failed = []
    for backend, (log, process) in runs.items():
        if process.wait() != 0:
            failed.append(backend)
        print(f"\n===== {backend} =====\n{log.read_text()}", flush=True)
    if failed:
        sys.exit(f"the tests failed on {' and '.join(failed)}")


def main() -> None:
    commands = {"run": mashwara("run"), "chat": mashwara("chat"), "test": test, "lock": lock}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__ + "\nusage: python3 dev.py run [--host 127.0.0.1] [--port 8000]"
                 " | chat [--lang fa] | test [pytest args] | lock [--upgrade]")
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
