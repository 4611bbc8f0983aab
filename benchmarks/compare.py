"""Does a change cost speed? Every measured page and admin changelist of two revisions, back to
back on this machine, each revision with its own code, its own dependencies and its own data.

    .venv/bin/python benchmarks/compare.py OLD [NEW]       # or: BENCH_COMPARE=OLD make bench
    BENCH_QUICK=1 .venv/bin/python benchmarks/compare.py f6fe45b

OLD (and NEW, when given; otherwise this working tree) is extracted with `git archive` into
benchmarks/out/compare/<commit>/ and gets a virtual environment there from its own
pyproject.toml (kept for the next run). Each side seeds its own database (cppcc_bench_cmp_*)
with its own seed_scale at the same size and seed, runs under its own gunicorn (2 sync workers,
--preload, production settings), and is measured with this tree's benchmarks/prepare.py (the
same logins and pages on both sides). The two sides alternate page by page, their order
rotated between repetitions, and each page's p50 at concurrency 1 is compared: new/old at
most 1.1 (TARGET). Writes benchmarks/out/compare-<old>-<new>.md and prints it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import run as bench  # noqa: E402
from benchmarks.verdicts import paired_ratio, rotations, summary  # noqa: E402

TARGET = 1.1
COMPARE = bench.OUT / "compare"
PORTS = {"old": 8211, "new": 8212}


def resolve(rev: str) -> str:
    return bench.run(["git", "rev-parse", f"{rev}^{{commit}}"], capture=True).strip()


def checkout(commit: str) -> Path:
    """The tree of `commit` under benchmarks/out/compare/, with its own venv (both kept)."""
    root = COMPARE / commit
    if not (root / "manage.py").exists():
        bench.log(f"extracting {commit[:9]} into {root.relative_to(bench.ROOT)}")
        root.mkdir(parents=True, exist_ok=True)
        archive = subprocess.Popen(  # noqa: S603 - our own commands
            ["git", "archive", commit],  # noqa: S607
            cwd=bench.ROOT,
            stdout=subprocess.PIPE,
        )
        extract = ["tar", "-x", "-C", str(root)]
        subprocess.run(extract, stdin=archive.stdout, check=True)  # noqa: S603, S607
        if archive.wait():
            raise RuntimeError(f"git archive {commit} failed")
    venv = root / ".venv"
    if not (venv / ".installed").exists():
        bench.log(f"installing {commit[:9]}'s dependencies from its pyproject.toml")
        bench.run([sys.executable, "-m", "venv", venv])
        bench.run([venv / "bin" / "python", "-m", "pip", "install", "-q", "."], cwd=root)
        (venv / ".installed").touch()
    return root


class Side:
    def __init__(self, label: str, rev: str | None):
        self.label = label
        if rev is None:
            self.root, self.commit = bench.ROOT, "working tree"
            self.git = bench.git_state()
            commit, dirty = self.git
            self.name = f"{commit}{' with uncommitted changes' if dirty else ''}"
        else:
            self.commit = resolve(rev)
            self.root, self.name = checkout(self.commit), self.commit[:9]
            self.git = (self.name, [])
        self.python = self.root / ".venv" / "bin" / "python"
        self.database = f"cppcc_bench_cmp_{label}"

    def setup(self) -> None:
        bench.seed_portal(self.database, bench.FULL_SIZE, python=self.python, root=self.root)
        env = bench.portal_env(self.database, self.root)
        bench.run(
            [self.python, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=self.root
        )
        self.prepared = bench.prepare(self.database, python=self.python, root=self.root)

    def start(self) -> None:
        self.server = bench.Server(
            f"compare-{self.label}",
            [self.root / ".venv" / "bin" / "gunicorn", "config.wsgi"],
            bench.portal_env(self.database, self.root),
            self.root,
            port=PORTS[self.label],
        )
        self.server.wait()


def measure(sides: list[Side], names: list[str]) -> dict:
    samples: dict = {}
    orders = rotations(sides, len(sides))
    for run_pass in range(bench.PASSES):
        for rep in range(bench.REPS):
            for name in names:
                for side in orders[(run_pass + rep) % len(orders)]:
                    who, url = side.prepared["pages"][name]
                    result = bench.wrk(
                        side.server.url + url,
                        connections=1,
                        seconds=bench.PAGE_SECONDS,
                        cookie=side.prepared["sessions"][who],
                    )
                    if result["errors"] or result["succeeded"] != result["answered"]:
                        raise RuntimeError(f"{name} ({side.name}): not every answer was the page")
                    samples.setdefault((name, side.label), []).append(result["p50_ms"])
        bench.log(f"pass {run_pass + 1} done")
    return samples


def report(old: Side, new: Side, names: list[str], times: dict) -> str:
    lines = [
        f"# {new.name} against {old.name}: page times back to back",
        "",
        f"Machine: {bench.machine(*new.git)}.",
        f"Data: each side seeded by its own seed_scale with {bench.size_text(bench.FULL_SIZE)}, "
        f"seed {bench.SEED}; gunicorn {bench.WORKERS} sync workers, --preload, DEBUG off; "
        f"p50 at concurrency 1 over {bench.PAGE_SECONDS}s, {bench.PASSES} passes x "
        f"{bench.REPS} repetitions, the sides alternating page by page in rotated order. "
        "Figures are medians (min–max).",
        "",
        "new/old is the median of the ratios of samples taken back to back (a slow moment of "
        "a shared machine hits both sides of a pair), the verdict at most "
        f"{TARGET}.",
        "",
        f"| page | {old.name} ms | {new.name} ms | new/old | queries old / new | target | "
        "verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    missed = 0
    for name in names:
        ratio, ok = paired_ratio(times[(name, "old")], times[(name, "new")], TARGET)
        before, after = summary(times[(name, "old")]), summary(times[(name, "new")])
        missed += not ok
        queries = f"{old.prepared['queries'][name]} / {new.prepared['queries'][name]}"
        lines.append(
            f"| {name} | {bench.fmt(before)} | {bench.fmt(after)} | {ratio:.2f} | {queries} | "
            f"≤ {TARGET} | {bench.verdict(ok)} |"
        )
    lines += [
        "",
        f"{len(names) - missed} of {len(names)} pages within {TARGET}× of {old.name}"
        + (f"; {missed} missed." if missed else "."),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    if not argv or len(argv) > 2:
        sys.exit("usage: benchmarks/compare.py OLD [NEW]")
    started = time.monotonic()
    bench.OUT.mkdir(parents=True, exist_ok=True)
    bench.ensure_tools()
    old, new = Side("old", argv[0]), Side("new", argv[1] if len(argv) > 1 else None)
    for side in (old, new):
        side.setup()
    names = [
        name
        for name in new.prepared["pages"]
        if name in old.prepared["pages"] and not name.startswith("bare admin")
    ]
    for side in (old, new):
        side.start()
    try:
        times = measure([old, new], names)
    finally:
        for side in (old, new):
            side.server.stop()
    text = report(old, new, names, times)
    text += f"\nThe comparison took {(time.monotonic() - started) / 60:.1f} minutes.\n"
    target = bench.OUT / f"compare-{old.name}-{new.name.split()[0]}.md"
    target.write_text(text)
    print(text)
    bench.log(f"written to {target.relative_to(bench.ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:] or ([os.environ["BENCH_COMPARE"]] if os.environ.get("BENCH_COMPARE") else []))
