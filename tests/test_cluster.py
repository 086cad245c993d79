"""The workflow through Snakemake's cluster-generic executor, each job a separate process,
gives the same outputs as a local run; every rule declares threads and scaled resources."""

import re

import pytest

from conftest import build, built_project
from workflow import assert_one_variant_as_built, copy_project, snakemake

ONE_VARIANT = ("--config", "run={cohorts: [landon_cardinal_2022], variants: [paper]}")


build("cluster_run", ("--profile", "profiles/local-cluster", *ONE_VARIANT))


@pytest.fixture(scope="module")
def cluster_run():
    return built_project("cluster_run")


def test_cluster_jobs_give_the_local_results(built, cluster_run):
    cluster = cluster_run
    said = (cluster / "snakemake-output.txt").read_text("utf-8")
    submitted = re.findall(r"Submitted job \d+ with external jobid '(\d+)'", said)
    # every job of one variant but `all` went through the submit script: extract, validate,
    # table1, analyse, report (with the figures and the power step), sensitivity
    assert len(submitted) == 6
    # the local run is the session's built project
    assert_one_variant_as_built(cluster / "results", built)


def test_every_rule_declares_threads_and_resources(tmp_path):
    project = copy_project(tmp_path / "dry")
    run = snakemake(project, "--dry-run", *ONE_VARIANT)
    blocks = re.findall(r"^rule (\w+):\n((?:    .*\n)*)", run.stdout, re.M)
    assert blocks
    for rule, block in blocks:
        if rule == "all":
            continue
        # sizes of inputs not yet made are known only when the job runs: <TBD> in a dry run
        assert re.search(r"resources: .*runtime=(\d+|<TBD>), mem_mb=(\d+|<TBD>)", block), (
            rule,
            block,
        )
