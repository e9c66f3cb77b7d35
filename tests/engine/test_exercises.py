"""The one exercise verdict record: truthy when right, printed and shown as its message."""

from __future__ import annotations

from bigmodel_widgets.engine.exercises import ExerciseCheck
from bigmodel_widgets.engine.sizing import AnswerCheck


class _Printer:
    def __init__(self):
        self.out = ""

    def text(self, s):
        self.out += s


def test_verdict_is_truthy_only_when_right_and_reads_as_its_message():
    right, wrong = ExerciseCheck(True, "correct: 3", 3), ExerciseCheck(False, "not quite", 3)
    assert right and not wrong
    assert str(right) == "correct: 3" and str(wrong) == "not quite"
    p = _Printer()
    wrong._repr_pretty_(p, False)
    assert p.out == "✗ not quite"


def test_sizing_answers_are_exercise_checks_with_their_question():
    check = AnswerCheck(True, "Correct", 512, question="kv_cache_bytes", answer=512.0)
    assert isinstance(check, ExerciseCheck) and check.correct and check.truth == 512
    assert check.question == "kv_cache_bytes"
