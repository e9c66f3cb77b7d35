import copy
import dataclasses
import json
import pickle

import pytest

from bigmodel_widgets.engine.devices import NA, GPUSample, Snapshot, as_number, is_na
from bigmodel_widgets.engine.devices.snapshot import merge


def test_na_is_a_falsy_singleton_that_never_becomes_zero():
    assert not NA and is_na(NA) and repr(NA) == "n/a"
    assert pickle.loads(pickle.dumps(NA)) is NA and copy.deepcopy(NA) is NA
    assert as_number(NA) is None and as_number(float("nan")) is None
    assert as_number(0) == 0.0  # a real zero stays a zero


def test_snapshot_is_immutable_and_json_able():
    s = Snapshot(time=1.0, monotonic=2.0, cpu_percent=50.0, ram_used_bytes=1, ram_total_bytes=4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.cpu_percent = 3  # frozen
    d = s.to_dict()
    json.dumps(d)
    assert d["ram_percent"] == 25.0 and d["process_rss_bytes"] is None


def test_percentages_are_na_when_an_input_is_missing():
    assert is_na(Snapshot(time=0, monotonic=0, ram_used_bytes=5).ram_percent)
    assert is_na(GPUSample(index=0, mem_used_bytes=1).mem_percent)
    assert GPUSample(index=0, mem_used_bytes=1, mem_total_bytes=4).mem_percent == 25.0


def test_merge_combines_gpus_by_index_and_keeps_first_real_value():
    a = {
        "cpu_percent": 10.0,
        "gpus": (GPUSample(0, "A", "nvml", util_percent=5.0),),
        "notes": ("x",),
    }
    b = {
        "cpu_percent": 99.0,
        "gpus": (GPUSample(0, source="tensorflow", tf_mem_current_bytes=7),),
        "notes": ("y",),
    }
    s = merge(1.0, 2.0, [a, b])
    assert s.cpu_percent == 10.0 and s.notes == ("x", "y")
    assert len(s.gpus) == 1
    g = s.gpus[0]
    assert (g.name, g.util_percent, g.tf_mem_current_bytes, g.source) == ("A", 5.0, 7, "nvml")
