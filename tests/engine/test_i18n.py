"""The language core (issue 17): both catalogs hold every key with the same fields; the
language is chosen explicitly, by BMW_LANGUAGE or by JupyterLab's language pack; engine
messages (argument checks, image errors) follow it."""

from __future__ import annotations

import re
import string
from pathlib import Path

import numpy as np
import pytest

import bigmodel_widgets as bmw
from bigmodel_widgets.engine import checks, i18n, images

PKG = Path(bmw.__file__).resolve().parent
# Every module of the package but the catalogs themselves: each t("key") it calls must exist.
TRANSLATED = sorted(
    str(p.relative_to(PKG)) for p in PKG.rglob("*.py") if "i18n" not in p.relative_to(PKG).parts
)


@pytest.fixture(autouse=True)
def _reset(monkeypatch):
    monkeypatch.delenv("BMW_LANGUAGE", raising=False)
    monkeypatch.setenv("JUPYTERLAB_SETTINGS_DIR", "/nonexistent-bmw-settings")
    bmw.set_language(None)
    yield
    bmw.set_language(None)


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_key_has_both_languages_with_the_same_fields():
    en, zh = i18n.catalog("en"), i18n.catalog("zh")
    assert set(en) == set(zh), f"only en: {set(en) - set(zh)}; only zh: {set(zh) - set(en)}"
    for key in en:
        assert zh[key].strip(), f"{key} has an empty Chinese text"
        assert _fields(en[key]) == _fields(zh[key]), f"{key}: fields differ"


def test_every_key_the_code_uses_is_in_the_catalog():
    en = i18n.catalog("en")
    for rel in TRANSLATED:
        text = (PKG / rel).read_text()
        for key in re.findall(r'\bt\(\s*"([a-z_.0-9]+)"', text):
            assert key in en, f"{rel} uses {key!r}, which the catalog lacks"
        for prefix in re.findall(r"\bt\(\s*f\"([a-z_.0-9]+)\.\{", text):
            assert any(k.startswith(prefix + ".") for k in en), f"{rel}: {prefix}.*"


def test_translated_widgets_have_no_literal_labels_left():
    for rel in TRANSLATED:
        if not rel.startswith("widgets/"):
            continue
        text = (PKG / rel).read_text()
        literal = re.findall(r'(?:description|tooltip|label)="[A-Za-z][^"]*"', text)
        assert not literal, f"{rel} has untranslated labels: {literal}"


def test_choosing_the_language(monkeypatch, tmp_path):
    assert bmw.get_language() == "en"
    assert bmw.set_language("zh_CN") == "zh" and bmw.get_language() == "zh"
    with pytest.raises(ValueError, match="language must be one of"):
        bmw.set_language("fr")
    bmw.set_language(None)
    monkeypatch.setenv("BMW_LANGUAGE", "zh")
    assert bmw.get_language() == "zh"
    monkeypatch.delenv("BMW_LANGUAGE")
    # JupyterLab's language pack setting, as the Lab writes it (comments and all)
    settings = tmp_path / "@jupyterlab" / "translation-extension"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text(
        '{\n  // Language\n  "locale": "zh_CN"\n}\n', encoding="utf-8"
    )
    monkeypatch.setenv("JUPYTERLAB_SETTINGS_DIR", str(tmp_path))
    assert bmw.get_language() == "zh"
    assert bmw.set_language("en") == "en"  # an explicit choice wins


def test_engine_messages_follow_the_language():
    with pytest.raises(ValueError, match=r"^epochs must be an int >= 1, got 0$"):
        checks.positive_int(0, name="epochs")
    bmw.set_language("zh")
    with pytest.raises(ValueError, match="epochs 必须是 ≥ 1 的整数"):
        checks.positive_int(0, name="epochs")
    with pytest.raises(TypeError, match="必须是数字"):
        checks.number_in_range("x", name="rate")
    with pytest.raises(images.ImageInputError, match="x.png：文件是空的"):
        images.decode_image(b"", name="x.png")
    with pytest.raises(images.ImageInputError, match="不是图像文件"):
        images.decode_image(b"hello, not an image" * 10, name="notes.txt")
    with pytest.raises(images.ImageInputError, match="太小"):
        images.to_rgb(np.zeros((2, 2), np.uint8), name="tiny")


def test_jupyterlab_chinese_language_pack_is_installed():
    from jupyterlab_server.translation_utils import get_language_packs

    packs, _message = get_language_packs("en")
    assert "zh_CN" in packs, "the set-up installs jupyterlab-language-pack-zh-CN (lock.txt)"
