"""The public API and its aliases: every old name kept for one release resolves, with a
DeprecationWarning, to the very object of its new name, and CHANGELOG.md lists exactly those."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

import bigmodel_widgets as bmw

ROOT = Path(__file__).resolve().parents[1]
ALIAS_SECTION = "### Aliases kept for one release"
ALIAS_LINE = re.compile(
    r"^[-*]\s+`(?:bmw\.|bigmodel_widgets\.)?([^`]+)`\s*(?:→|->)\s*"
    r"`(?:bmw\.|bigmodel_widgets\.)?([^`]+)`"
)


def _changelog_aliases() -> dict[str, str]:
    """The old -> new pairs listed under CHANGELOG.md's alias section (its latest one)."""
    lines = (ROOT / "CHANGELOG.md").read_text().splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == ALIAS_SECTION]
    assert starts, f"CHANGELOG.md has no {ALIAS_SECTION!r} section listing bmw._ALIASES"
    pairs: dict[str, str] = {}
    for line in lines[starts[0] + 1 :]:
        if line.startswith("#"):
            break
        m = ALIAS_LINE.match(line.strip())
        if m:
            pairs[m.group(1)] = m.group(2)
    return pairs


@pytest.mark.parametrize("old", sorted(bmw._ALIASES))
def test_alias_resolves_to_its_new_name_with_a_warning(old):
    new = bmw._ALIASES[old]
    assert new in bmw.__all__, f"alias {old} points to {new}, which is not public"
    with pytest.warns(DeprecationWarning, match=rf"bigmodel_widgets\.{re.escape(new)}\b"):
        value = getattr(bmw, old)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the new name itself never warns
        assert value is getattr(bmw, new)


def test_aliases_are_not_public_names():
    assert not set(bmw._ALIASES) & set(bmw.__all__), "an alias is also listed in __all__"
    assert not set(bmw._ALIASES) & set(bmw._LAZY), "an alias is also a current name"
    assert not set(bmw._ALIASES) & set(dir(bmw)), "dir(bmw) shows an alias"


def test_changelog_lists_exactly_the_aliases():
    # Top-level names are bmw._ALIASES; dotted ones (`vision.TrainResult`) are a chapter
    # module's own aliases, checked below.
    top = {old: new for old, new in _changelog_aliases().items() if "." not in old}
    assert top == dict(bmw._ALIASES)


def _resolve(dotted: str):
    obj = bmw
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def test_changelog_module_aliases_resolve_to_their_new_names():
    for old, new in _changelog_aliases().items():
        if "." not in old:
            continue
        module, _, name = old.rpartition(".")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            assert _resolve(old) is _resolve(new), f"{old} is not {new}"
        assert name not in getattr(_resolve(module), "__all__", ()), f"{old} is still public"


def test_unknown_names_still_raise_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        bmw.no_such_name  # noqa: B018


def test_samples_are_reachable_from_the_public_api():
    # The sample images ship inside the package (not in the checkout's data/ folder).
    path = bmw.sample_path("digit_photo_7.jpg")
    assert Path(bmw.__file__).parent in path.parents
    assert bmw.read_image(path).shape[2] == 3
