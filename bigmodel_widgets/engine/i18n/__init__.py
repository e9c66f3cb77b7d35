"""The language of every user-visible string: ``set_language("zh")``, a catalog, ``t(key)``.

One catalog per language: the core (``en.py``, ``zh.py``: key -> text, with ``str.format``
fields) plus one ``msg_<area>.py`` per area of the workbench, each with an ``EN`` and a ``ZH``
table side by side (so a translator sees both; found by name, a key defined twice is an error at
import). A test holds that every key exists in both languages. ``t("key", name=...)`` looks
a key up in the active language and fills its fields. The active language is, in order: what
:func:`set_language` set; the ``BMW_LANGUAGE`` environment variable; JupyterLab's own display
language (its language-pack setting, read from the user-settings folder, a cheap file read);
else English.

Widgets read their labels when they are built, so call ``set_language`` before building one.
Engine messages (argument checks, image errors) are translated when they are raised.
"""

from __future__ import annotations

import functools
import importlib
import os
import pkgutil
import re
from pathlib import Path

from . import en, zh

__all__ = ["LANGUAGES", "set_language", "get_language", "detect_language", "t", "catalog"]

LANGUAGES = ("en", "zh")


def _merged() -> dict[str, dict[str, str]]:
    catalogs = {"en": dict(en.MESSAGES), "zh": dict(zh.MESSAGES)}
    areas = sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("msg_"))
    for name in areas:
        module = importlib.import_module(f"{__name__}.{name}")
        for language, table in (("en", module.EN), ("zh", module.ZH)):
            twice = set(table) & set(catalogs[language])
            if twice:
                raise RuntimeError(
                    f"i18n/{name}.py defines keys defined elsewhere: {sorted(twice)}"
                )
            catalogs[language].update(table)
    return catalogs


_CATALOGS = _merged()
_ALIASES = {"zh-cn": "zh", "zh_cn": "zh", "zh-hans": "zh", "chinese": "zh", "english": "en"}
_chosen: str | None = None  # what set_language() chose; None: detect
_SETTINGS = Path("@jupyterlab", "translation-extension", "plugin.jupyterlab-settings")


def _normalise(language: str) -> str | None:
    key = str(language).strip().lower().replace(" ", "")
    key = _ALIASES.get(key, key)
    if key in LANGUAGES:
        return key
    head = re.split(r"[-_.]", key)[0]
    return head if head in LANGUAGES else None


def _lab_locale() -> str | None:
    """JupyterLab's language-pack setting (``"zh_CN"``), or None when unset or unreadable."""
    where = os.environ.get("JUPYTERLAB_SETTINGS_DIR")
    if not where:
        config = os.environ.get("JUPYTER_CONFIG_DIR") or str(Path.home() / ".jupyter")
        where = str(Path(config) / "lab" / "user-settings")
    path = Path(where) / _SETTINGS
    try:
        st = path.stat()
    except OSError:
        return None
    return _locale_in(str(path), st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=8)
def _locale_in(path: str, mtime_ns: int, size: int) -> str | None:
    # t() runs for every label and message: read the settings file once per version of it
    # (mtime and size are the key), not on every call.
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    m = re.search(r'"locale"\s*:\s*"([^"]+)"', text)
    return m.group(1) if m else None


def detect_language() -> str:
    """The language to use when none was set: ``BMW_LANGUAGE``, then JupyterLab's, then "en"."""
    for candidate in (os.environ.get("BMW_LANGUAGE"), _lab_locale()):
        if candidate:
            found = _normalise(candidate)
            if found:
                return found
    return "en"


def set_language(language: str | None = None) -> str:
    """Use ``language`` ("en" or "zh"; "zh_CN", "zh-Hans" … are accepted) for every message
    and for widgets built from now on; ``None`` goes back to detecting it (see the module).
    Returns the language now active."""
    global _chosen
    if language is None:
        _chosen = None
        return get_language()
    found = _normalise(language) if isinstance(language, str) else None
    if found is None:
        raise ValueError(
            f"language must be one of {', '.join(map(repr, LANGUAGES))}; got {language!r}"
        )
    _chosen = found
    return found


def get_language() -> str:
    """The active language code: "en" or "zh"."""
    return _chosen or detect_language()


def catalog(language: str) -> dict[str, str]:
    """The message table of ``language`` (a copy): key -> text with ``{fields}``."""
    return dict(_CATALOGS[_normalise(language) or language])


def t(key: str, /, **values: object) -> str:
    """The text of ``key`` in the active language; ``values`` are passed to ``str.format``.
    A key missing from a catalog falls back to English, then to the key itself."""
    lang = get_language()
    text = _CATALOGS[lang].get(key)
    if text is None:
        text = _CATALOGS["en"].get(key, key)
    return text.format(**values) if values else text
