"""Lighthouse accessibility scores of the four pages most people use: the public home, the
resident issue form, the tracking page and the member dashboard. Not part of `make test`.

    .venv/bin/python scripts/lighthouse.py [--min 95] [--keep REPORT_DIR]

What it does: installs Lighthouse into tools/lighthouse/node_modules (npm, from the lock file,
once), builds a throw-away demo SQLite database (migrate + seed_demo), starts runserver on a
free local port, logs a demo member in by writing a session into that database and handing its
cookie to Lighthouse, audits each page with Debian's Chromium (CHROME_PATH=/usr/bin/chromium,
headless, Chinese locale, Lighthouse's default mobile emulation), prints the scores with any
failed audits, and exits non-zero when a page scores below the minimum.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess  # noqa: S404
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools" / "lighthouse"
LIGHTHOUSE = TOOLS / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --lang=zh-CN"
PAGES = [
    ("public home", "/", False),
    ("resident issue form", "/issues/new/", False),
    ("issue tracking page", "/issues/track/", False),
    ("member dashboard", "/member/", True),
]

# The demo member's session, written by Django into the demo database.
LOGIN_SNIPPET = """
from django.conf import settings
from django.test import Client
from members.models import Member
member = Member.objects.filter(user__isnull=False, user__is_active=True).order_by("pk").first()
client = Client()
client.force_login(member.user)
print(settings.SESSION_COOKIE_NAME + "=" + client.cookies[settings.SESSION_COOKIE_NAME].value)
"""


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, **kwargs)  # noqa: S603


def ensure_lighthouse() -> None:
    if LIGHTHOUSE.exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is needed to install Lighthouse (apt-get install npm).")
    print("Installing Lighthouse into tools/lighthouse/node_modules ...", flush=True)
    lock = TOOLS / "package-lock.json"
    run([npm, "ci" if lock.exists() else "install", "--no-audit", "--no-fund"], cwd=TOOLS)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"runserver stopped with exit code {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own local server)
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    sys.exit(f"runserver did not answer at {url} within {seconds:.0f}s")


def audit(url: str, cookie: str | None, report: Path) -> dict:
    command = [
        str(LIGHTHOUSE),
        url,
        "--only-categories=accessibility",
        "--output=json",
        f"--output-path={report}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    run(command, env={**os.environ, "CHROME_PATH": CHROME})
    return json.loads(report.read_text(encoding="utf-8"))


def failed_audits(result: dict) -> list[str]:
    refs = result["categories"]["accessibility"]["auditRefs"]
    lines = []
    for ref in refs:
        item = result["audits"][ref["id"]]
        if ref["weight"] and item["score"] is not None and item["score"] < 1:
            targets = [
                node.get("node", {}).get("selector", "")
                for node in (item.get("details") or {}).get("items", [])[:3]
            ]
            lines.append(f"    {ref['id']}: {item['title']} {targets}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min", type=int, default=95, help="lowest passing score (0-100)")
    parser.add_argument("--keep", type=Path, help="keep the JSON reports in this folder")
    args = parser.parse_args()
    if not Path(CHROME).exists():
        sys.exit(f"Chromium not found at {CHROME}: apt-get install chromium (or set CHROME_PATH)")
    ensure_lighthouse()

    python = sys.executable
    work = Path(tempfile.mkdtemp(prefix="cppcc-lighthouse-"))
    reports = args.keep or work
    reports.mkdir(parents=True, exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    }
    # The demo setup: SQLite, eager tasks, DEBUG so runserver serves the static files.
    env |= {
        "DATABASE_URL": f"sqlite:///{work / 'demo.sqlite3'}",
        "DEBUG": "1",
        "MEDIA_ROOT": str(work / "media"),
        "RESIDENT_ISSUE_TRACK_RATE": "",
        "RESIDENT_ISSUE_SUBMIT_RATE": "",
    }
    manage = [python, str(ROOT / "manage.py")]
    run([*manage, "migrate", "--noinput", "-v0"], env=env, cwd=ROOT)
    seeded = subprocess.run(  # noqa: S603
        [*manage, "seed_demo"], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if seeded.returncode:
        sys.exit(f"seed_demo failed:\n{seeded.stdout}\n{seeded.stderr}")
    login = run(
        [*manage, "shell", "--no-imports", "-c", LOGIN_SNIPPET],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    cookie = login.stdout.strip().splitlines()[-1]

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    scores = []
    try:
        wait_until_up(base + "/", server)
        for name, path, logged_in in PAGES:
            slug = path.strip("/").replace("/", "-") or "home"
            result = audit(base + path, cookie if logged_in else None, reports / f"{slug}.json")
            final_url = result.get("finalDisplayedUrl") or result.get("finalUrl", "")
            score = round(result["categories"]["accessibility"]["score"] * 100)
            scores.append(score)
            print(f"{score:3d}  {name:22s} {path}", flush=True)
            if not final_url.startswith(base + path):
                print(f"    (ended at {final_url})")
            for line in failed_audits(result):
                print(line)
    finally:
        server.terminate()
        server.wait(timeout=10)
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    low = [score for score in scores if score < args.min]
    print(f"{'FAILED' if low else 'OK'}: minimum {min(scores)}, required {args.min}")
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
