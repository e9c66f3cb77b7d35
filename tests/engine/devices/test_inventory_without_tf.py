"""A machine without TensorFlow (seen on the lent GPU machine) gets a labelled inventory."""

from bigmodel_widgets.engine import backend
from bigmodel_widgets.engine.devices import inventory

from ._fake_nvml import FakeNvml


def test_inventory_labels_a_missing_tensorflow_instead_of_raising(monkeypatch):
    def missing():
        raise ModuleNotFoundError("No module named 'tensorflow'")

    monkeypatch.setattr(backend, "tf", missing)
    inv = inventory(tensorflow=True, nvml=FakeNvml(count=1))
    assert inv["tensorflow"] == {
        "available": False,
        "reason": "TensorFlow cannot be imported: No module named 'tensorflow'",
    }
    assert inv["nvml"]["available"]
