"""A job's parts side by side (clinrepro/base/parallel.py): each part once, in the job and
in helpers of the lowest priority, a failing part's own error, an interrupt, and how many
processes a job may take."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from clinrepro.base import resident
from clinrepro.base.errors import InputError, Problem
from clinrepro.base.parallel import HELPER_NICENESS, processes, run_parts
from conftest import ROOT, ended, in_one_thread, wait_for


def writes_its_process(folder, name, seconds=0.3):
    def part():
        time.sleep(seconds)  # long enough that every process takes a part
        with open(folder / name, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {os.nice(0)}\n")

    return part


def ran(folder, names):
    return {name: (folder / name).read_text("utf-8").splitlines() for name in names}


def test_parts_run_once_each_in_the_job_and_its_helper_of_the_lowest_priority(tmp_path):
    def waits_for_b():  # the job's first part: done once the helper has done another
        wait_for((tmp_path / "b").exists)  # a helper of the lowest priority, on a busy machine
        writes_its_process(tmp_path, "a", 0)()

    names = ["a", "b", "c", "d"]

    def job():
        run_parts([waits_for_b, *(writes_its_process(tmp_path, name) for name in names[1:])], 2)
        (tmp_path / "job").write_text(f"{os.getpid()} {os.nice(0)}")

    in_one_thread(job)
    lines = ran(tmp_path, names)
    assert all(len(held) == 1 for held in lines.values())  # each part once
    by_process = {line.split()[0]: int(line.split()[1]) for [line] in lines.values()}
    job_pid, own = (tmp_path / "job").read_text().split()
    helper = lines["b"][0].split()[0]
    assert helper != job_pid
    assert by_process == {job_pid: int(own), helper: min(19, int(own) + HELPER_NICENESS)}


def test_one_process_runs_the_parts_in_the_job_in_order():
    order = []
    run_parts([lambda: order.append("a"), lambda: order.append("b")], 1)
    assert order == ["a", "b"]


def test_a_failing_part_raises_its_own_error_in_the_job(tmp_path):
    problem = Problem("table1.csv", "7", "CDASI_M3", "x", "is not a number")

    def fails():
        time.sleep(0.1)  # the job has taken the first part: the helper takes this one
        raise InputError([problem], hint="a hint")

    def job():
        with pytest.raises(InputError) as raised:
            run_parts(
                [writes_its_process(tmp_path, "a"), fails, writes_its_process(tmp_path, "b")], 2
            )
        # the error itself, not a copy sent between processes: its problems and hint kept
        assert (raised.value.problems, raised.value.hint) == ([problem], "a hint")

    in_one_thread(job)
    assert len(ran(tmp_path, ["a"])["a"]) == 1  # the part before it ran, once


INTERRUPTED = textwrap.dedent("""\
    import os, sys, time
    from pathlib import Path
    from clinrepro.base.parallel import run_parts

    def part(name):
        def run():
            Path(f"{name}.pid").write_text(str(os.getpid()))
            time.sleep(4)
            Path(f"{name}.done").write_text("")
        return run

    run_parts([part("a"), part("b")], 2)
    """)


@pytest.mark.parametrize("how", ["interrupted", "killed"])
def test_a_job_interrupted_or_killed_leaves_no_helper_writing(tmp_path, how):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    job = subprocess.Popen([sys.executable, "-c", INTERRUPTED], cwd=tmp_path, env=env,
                           stderr=subprocess.PIPE, text=True)  # fmt: skip
    wait_for(lambda: all((tmp_path / f"{name}.pid").exists() for name in "ab"))
    helper = {int((tmp_path / f"{name}.pid").read_text()) for name in "ab"} - {job.pid}
    job.send_signal(signal.SIGINT if how == "interrupted" else signal.SIGKILL)
    job.wait(3)  # not the parts' 4 s
    time.sleep(0.5)
    assert [p for p in helper if not ended(p)] == []
    time.sleep(4)
    assert not list(tmp_path.glob("*.done"))
    if how == "interrupted":
        assert job.stderr.read().endswith("KeyboardInterrupt\n")


def test_a_job_takes_the_run_s_cores_no_other_job_uses_when_forked(monkeypatch):
    monkeypatch.delenv(resident.CHILD, raising=False)
    assert processes(threads=1, run_cores=2) == 1  # its own process: its threads
    monkeypatch.setenv(resident.CHILD, "1")
    monkeypatch.setenv(resident.JOBS, "1")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    assert (processes(1, 2), processes(1, 1), processes(2, 4)) == (2, 1, 4)
    monkeypatch.setenv(resident.JOBS, "2")  # another job running
    assert (processes(1, 2), processes(1, 4)) == (1, 3)
    monkeypatch.setenv(resident.JOBS, "5")  # more running than cores: never fewer than its own
    assert processes(1, 2) == 1
    # never more than the cores the process may run on (a cluster node's booked ones)
    monkeypatch.setenv(resident.JOBS, "1")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    assert processes(1, 100) == 1
