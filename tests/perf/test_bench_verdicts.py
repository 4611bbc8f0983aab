"""The benchmark's verdicts from measured numbers (benchmarks/verdicts.py): a POST run passes
only when every answer was the success page and every request sent stored one row."""

from benchmarks.verdicts import (
    PostCount,
    add_counts,
    largest_table_read,
    paired_ratio,
    parse_pss_kib,
    ratio_verdict,
    rotations,
    uncommitted,
)


def test_post_run_passes_when_every_request_sent_stored_one_row():
    count = PostCount(sent=108, answered=100, succeeded=100, stored=108)

    assert count.ok
    assert "8 in flight" in count.sentence()


def test_post_run_fails_when_an_answer_was_not_the_success_page():
    # A form shown again with an error is a 200, not a stored row: it must not count.
    count = PostCount(sent=100, answered=100, succeeded=97, stored=97)

    assert not count.ok
    assert "3 answers were not the success page" in count.sentence()


def test_post_run_fails_when_rows_are_missing_or_doubled():
    assert not PostCount(sent=100, answered=100, succeeded=100, stored=99).ok
    assert "+1 rows" in PostCount(sent=100, answered=100, succeeded=100, stored=101).sentence()


def test_counts_add_up_across_runs():
    total = add_counts([PostCount(10, 9, 9, 10), PostCount(5, 5, 4, 4)])

    assert total == PostCount(15, 14, 13, 14)


def test_contenders_order_rotates_between_repetitions():
    assert rotations(["A", "B", "C"], 4) == [
        ["A", "B", "C"],
        ["B", "C", "A"],
        ["C", "A", "B"],
        ["A", "B", "C"],
    ]


def test_pss_is_read_from_smaps_rollup():
    text = (
        "55d0c0000000-7ffd8f1f2000 ---p 00000000 00:00 0   [rollup]\n"
        "Rss:              101204 kB\n"
        "Pss:               48731 kB\n"
        "Pss_Anon:          30120 kB\n"
        "Shared_Clean:      60124 kB\n"
    )

    assert parse_pss_kib(text) == 48731


def test_ratio_verdict_allows_up_to_the_limit():
    assert ratio_verdict(11.0, 10.0, 1.1) == (1.1, True)
    assert ratio_verdict(11.2, 10.0, 1.1)[1] is False


def test_untracked_files_are_not_uncommitted_changes():
    porcelain = " M benchmarks/run.py\n?? notes.txt\nA  members/scale.py\n"

    assert uncommitted(porcelain) == ["benchmarks/run.py", "members/scale.py"]
    assert uncommitted("?? notes.txt\n") == []


def test_largest_table_read_by_any_page():
    reads = {"dashboard": ["members_attendance", "members_member"], "list": ["opinions_report"]}
    rows = {"members_attendance": 1_000_000, "members_member": 50_000, "big_unread": 9_000_000}

    assert largest_table_read(reads, rows) == ("members_attendance", 1_000_000, "dashboard")


def test_paired_ratio_compares_samples_taken_back_to_back():
    # The third pair ran while the machine was busy: both sides slowed, the ratio did not.
    old, new = [10.0, 10.0, 30.0], [10.5, 10.4, 31.0]

    ratio, ok = paired_ratio(old, new, 1.1)

    assert round(ratio, 3) == 1.04 and ok
    assert paired_ratio([10.0, 10.0], [12.0, 12.0], 1.1)[1] is False
