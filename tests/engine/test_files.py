from __future__ import annotations

from pathlib import Path

import pytest

from bigmodel_widgets.engine.files import atomic_path


def test_atomic_path_replaces_only_on_success(tmp_path):
    target = tmp_path / "sub" / "cache.bin"
    with atomic_path(target, suffix=".bin") as tmp:
        assert tmp.endswith(".bin") and not target.exists()
        Path(tmp).write_bytes(b"new")
    assert target.read_bytes() == b"new"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        Path(tmp).write_bytes(b"half")
        raise RuntimeError("writer crashed")
    assert target.read_bytes() == b"new"  # the old file is whole
    assert [p.name for p in target.parent.iterdir()] == ["cache.bin"]  # no temp left behind
