"""A job's parts side by side (clinrepro/base/parallel.py): on processes of their own, each
part once, a failing part's own error, and how many processes a job may take."""

import os
import time

import pytest

from clinrepro.base import resident
from clinrepro.base.errors import InputError, Problem
from clinrepro.base.parallel import processes, run_parts


def writes_its_process(folder, name, seconds=0.3):
    def part():
        time.sleep(seconds)  # long enough that both processes take a part
        with open(folder / name, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\n")

    return part


def ran(folder, names):
    return {name: (folder / name).read_text("utf-8").split() for name in names}


def test_parts_run_once_each_on_as_many_processes_as_asked_none_of_them_the_job(tmp_path):
    names = ["a", "b", "c", "d"]
    run_parts([writes_its_process(tmp_path, name) for name in names], 2)
    pids = ran(tmp_path, names)
    assert all(len(held) == 1 for held in pids.values())  # each part once
    used = {held[0] for held in pids.values()}
    assert len(used) == 2 and str(os.getpid()) not in used


def test_one_thread_runs_the_parts_in_the_job_s_own_process_in_order(tmp_path):
    order = []
    run_parts([lambda: order.append("a"), lambda: order.append("b")], 1)
    assert order == ["a", "b"]


def test_a_failing_part_raises_its_own_error_in_the_job_the_others_done(tmp_path):
    problem = Problem("table1.csv", "7", "CDASI_M3", "x", "is not a number")

    def fails():
        raise InputError([problem], hint="a hint")

    with pytest.raises(InputError) as raised:
        run_parts([writes_its_process(tmp_path, "a"), fails, writes_its_process(tmp_path, "b")], 2)
    # the error itself, not a copy sent between processes: its problems and hint kept
    assert (raised.value.problems, raised.value.hint) == ([problem], "a hint")
    assert [len(held) for held in ran(tmp_path, ["a", "b"]).values()] == [1, 1]


def test_a_job_takes_the_run_s_cores_no_other_job_uses_when_forked(monkeypatch):
    monkeypatch.delenv(resident.CHILD, raising=False)
    assert processes(threads=1, run_cores=2) == 1  # its own process: its threads
    monkeypatch.setenv(resident.CHILD, "1")
    monkeypatch.setenv(resident.JOBS, "1")
    assert (processes(1, 2), processes(1, 1), processes(2, 4)) == (2, 1, 4)
    monkeypatch.setenv(resident.JOBS, "2")  # another job running
    assert (processes(1, 2), processes(1, 4)) == (1, 3)
    monkeypatch.setenv(resident.JOBS, "5")  # more running than cores: never fewer than its own
    assert processes(1, 2) == 1
