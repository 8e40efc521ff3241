"""Batches on several cores: the same results in the same order whatever --jobs is, and --jobs checked."""

from __future__ import annotations

import os

import pytest

from worksheet.publish import batch
from worksheet.errors import SpecError


def _square_and_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_results_in_input_order_whatever_the_jobs(jobs):
    items = list(range(200))
    steps = []
    out = batch.ordered_map(_square_and_pid, items, jobs, steps.append)
    assert [r for r, _ in out] == [x * x for x in items]
    assert sum(steps) == len(items)
    workers = {pid for _, pid in out} - {os.getpid()}
    # One process alone with --jobs 1; otherwise the first item here (imports and templates
    # loaded once, then shared by fork) and the rest on at most as many workers as asked.
    assert (not workers) if jobs == 1 else (1 <= len(workers) <= jobs)


def test_few_items_stay_in_this_process():
    out = batch.ordered_map(_square_and_pid, range(batch.PARALLEL_FROM - 1), 4)
    assert {pid for _, pid in out} == {os.getpid()}


def _fails_on_seven(x: int) -> int:
    if x == 77:
        raise SpecError("seventy-seven")
    return x


def test_an_error_in_a_worker_is_raised_here():
    with pytest.raises(SpecError, match="seventy-seven"):
        batch.ordered_map(_fails_on_seven, range(150), 2)


@pytest.mark.parametrize("jobs", [0, -1, 1.5, True, "2"])
def test_jobs_is_a_count_of_one_or_more(jobs):
    with pytest.raises(SpecError, match=rf"jobs {jobs} is out of range; allowed: 1 or more \(default: all \d+ cores\)"):
        batch.check_jobs(jobs)


def test_jobs_default_to_every_available_core():
    assert batch.check_jobs(None) == batch.available_cores() >= 1
    assert batch.check_jobs(5) == 5
