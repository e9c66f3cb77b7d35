"""A real JupyterHub on 127.0.0.1: students log in over HTTP, start their servers and run a
chapter notebook (quick mode) at the same time; one student's kernel is killed mid-run and
nobody else notices. Needs configurable-http-proxy (`make hub-proxy`); skipped without it."""

from __future__ import annotations

from pathlib import Path

import psutil
import pytest

from bigmodel_widgets.engine.workshop import hub as hubmod
from bigmodel_widgets.engine.workshop.classroom import run_class
from bigmodel_widgets.engine.workshop.measure import notebook_paths
from bigmodel_widgets.engine.workshop.students import notebook_cells

STUDENTS = 4
# Chapter 0 is the cheapest notebook in quick mode (about 8 CPU-seconds, see
# bigmodel_widgets/engine/workshop/measured_default.json).
NOTEBOOK = notebook_paths(Path(__file__).resolve().parents[2] / "notebooks")[0]

pytestmark = [pytest.mark.hub, pytest.mark.slow]


def _proxy_or_skip() -> str:
    try:
        return hubmod.find_proxy()
    except hubmod.ProxyMissing as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    _proxy_or_skip()
    root = tmp_path_factory.mktemp("hub")
    env = {"BMW_QUICK": "1", "BMW_CACHE_DIR": str(root / "cache")}
    h = hubmod.LocalHub(root, environment=env).start()
    try:
        yield h
    finally:
        started = [p.pid for p in psutil.Process(h.proc.pid).children(recursive=True)]
        left = h.stop()
    assert started and left == [], f"still running after stop: {left}"
    assert not [p for p in started if psutil.pid_exists(p) and not _zombie(p)]


@pytest.fixture(scope="module")
def lesson(hub):
    return run_class(hub, NOTEBOOK, students=STUDENTS, kill_one=True, timeout_s=600)


def test_every_student_runs_the_notebook_at_the_same_time(lesson, hub):
    assert lesson.failures == 0, [r.error for r in lesson.runs] + [hub.log_tail()]
    assert [r.ok for r in lesson.runs] == [True] * STUDENTS
    assert {r.cells for r in lesson.runs} == {len(notebook_cells(NOTEBOOK))}
    # they ran at the same time: each one's run overlaps the whole class's wall time
    assert all(r.wall_s > 0.3 * lesson.wall_s for r in lesson.runs)
    assert all(r.peak_rss_mb > 100 for r in lesson.runs), lesson.to_dict()


def test_a_killed_kernel_leaves_the_others_and_the_hub_working(lesson):
    assert lesson.victim is not None and not lesson.victim.ok
    assert "died" in (lesson.victim.error or ""), lesson.victim.error
    assert lesson.victim_recovered, "the student whose kernel died could not start another one"
    assert lesson.hub_alive_after


def test_the_hub_answers_and_lists_every_student(hub, lesson):
    users = {u["name"]: u for u in hub.api("GET", "/users").json()}
    assert {f"student{i + 1}" for i in range(STUDENTS)} | {"victim"} <= set(users)
    assert all(users[n]["servers"] for n in users)


def _zombie(pid: int) -> bool:
    try:
        return "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return True


def test_a_wrong_password_is_refused(hub):
    from bigmodel_widgets.engine.workshop.students import Student

    with pytest.raises(PermissionError, match="refused"):
        Student(hub, "intruder").login(password="not the class password")
