"""The benchmark's arithmetic, apart from the machinery that measures: verdicts from measured
numbers, the contenders' rotation, PSS from /proc. Pure functions, tested in tests/perf/."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class PostCount:
    """One run of POSTs: what the load tool sent, what came back, what the database kept."""

    sent: int  # requests written by the load tool, answered or still in flight when it stopped
    answered: int  # responses received
    succeeded: int  # responses that were the success page
    stored: int  # rows the table gained during the run

    @property
    def ok(self) -> bool:
        """Every answer was the success page, and every request sent stored exactly one row
        (those in flight when the tool stopped included: the server still handles them)."""
        return self.succeeded == self.answered and self.stored == self.sent

    def sentence(self) -> str:
        in_flight = self.sent - self.answered
        text = (
            f"sent {self.sent:,}, answered {self.answered:,} ({in_flight:,} in flight at the "
            f"stop), success pages {self.succeeded:,}, rows stored {self.stored:,}"
        )
        problems = []
        if self.succeeded != self.answered:
            problems.append(f"{self.answered - self.succeeded:,} answers were not the success page")
        if self.stored != self.sent:
            problems.append(f"{self.stored - self.sent:+,} rows against requests sent")
        return text + (": " + "; ".join(problems) if problems else "")


def add_counts(counts: list[PostCount]) -> PostCount:
    return PostCount(
        sent=sum(c.sent for c in counts),
        answered=sum(c.answered for c in counts),
        succeeded=sum(c.succeeded for c in counts),
        stored=sum(c.stored for c in counts),
    )


def rotations(contenders: list, repetitions: int) -> list[list]:
    """The contenders' order for each repetition, rotated by one each time (A B C, B C A,
    C A B, A B C …): none always runs first, on a cold cache, or last, after the others' load."""
    n = len(contenders)
    return [[contenders[(rep + i) % n] for i in range(n)] for rep in range(repetitions)]


PSS = re.compile(r"^Pss:\s+(\d+) kB", re.M)


def parse_pss_kib(smaps_rollup: str) -> int:
    """The proportional set size in KiB from the text of /proc/<pid>/smaps_rollup: pages shared
    with other processes (the gunicorn master and the other workers, after --preload) count
    for their share only."""
    match = PSS.search(smaps_rollup)
    if match is None:
        raise ValueError("no Pss line in smaps_rollup")
    return int(match.group(1))


def summary(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def ratio_verdict(ours: float, theirs: float, limit: float) -> tuple[float, bool]:
    """ours / theirs, and whether it is at most `limit` (times: lower is better)."""
    ratio = ours / theirs
    return ratio, ratio <= limit


def paired_ratio(old: list[float], new: list[float], limit: float) -> tuple[float, bool]:
    """The median of new/old over samples taken back to back (a slow moment of a shared
    machine slows both of a pair), and whether it is at most `limit`."""
    ratios = [after / before for before, after in zip(old, new, strict=True)]
    return ratio_verdict(statistics.median(ratios), 1.0, limit)


def uncommitted(porcelain: str) -> list[str]:
    """Tracked files with uncommitted changes, from `git status --porcelain` (untracked files,
    '??', are not part of the measured code)."""
    return [line[3:] for line in porcelain.splitlines() if line and not line.startswith("??")]


def largest_table_read(reads: dict[str, list[str]], rows: dict[str, int]) -> tuple[str, int, str]:
    """(table, rows, a page reading it): the biggest table any measured page reads."""
    best = ("", 0, "")
    for page, tables in reads.items():
        for table in tables:
            if rows.get(table, 0) > best[1]:
                best = (table, rows[table], page)
    return best
