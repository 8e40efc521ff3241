"""Exam PDFs at class scale: which students are typeset together, and the page counts one group
teaches the next."""

from __future__ import annotations

import pytest

from worksheet.publish.typeset import GROUP_MIN, GROUPS_MAX, _PageCounts, student_groups


@pytest.mark.parametrize("n", [0, 1, 2, 6, 7, 13, 30, 49, 50, 500, 5000])
def test_groups_cover_the_roster_in_order(n):
    groups = student_groups(n)
    assert [i for g in groups for i in g] == list(range(n))
    if n:
        assert groups[0] == range(0, 1)  # the first student alone: its first pass teaches the page counts
    rest = groups[1:]
    assert len(rest) <= GROUPS_MAX
    sizes = [len(g) for g in rest]
    assert all(size >= min(GROUP_MIN, n - 1) for size in sizes)
    assert not sizes or max(sizes) - min(sizes) <= 1  # balanced, so that the cores finish together


def test_groups_follow_the_class_not_the_cores():
    assert student_groups(30) == [range(0, 1), range(1, 8), range(8, 15), range(15, 22), range(22, 30)]
    assert len(student_groups(500)) == 1 + GROUPS_MAX


def test_page_counts_guess_the_most_common_and_only_when_known():
    counts = _PageCounts()
    assert counts.guess(["sheet-1", "key-1"]) == (None, None)
    counts.learn({"sheet-1-last": "{}{3}", "key-1-last": "{}{2}", "question@1": "{1}{1}", "part@1@1": "{a}{1}"})
    assert counts.known.is_set()
    counts.learn({"sheet-2-last": "{}{4}", "key-2-last": "{}{2}", "sheet-3-last": "{}{4}"})
    labels, pages = counts.guess(["sheet-7", "key-7", "sheet-8"])
    assert labels == {"sheet-7-last": "{}{4}", "key-7-last": "{}{2}", "sheet-8-last": "{}{4}"}
    assert pages == 10
