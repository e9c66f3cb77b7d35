"""Signatures a student can read with Shift-Tab or help(): no public callable in ``bmw.__all__``
hides its parameters behind ``**kwargs``, and widgets and transforms take their settings as
keyword-only parameters."""

from __future__ import annotations

import inspect
import re
import types

import pytest

import bigmodel_widgets as bmw

PKG = "bigmodel_widgets"
# A **kwargs parameter is fine when the docstring says where the keywords go.
FORWARDS = re.compile(r"\b(forwarded|passed|go|goes) (on )?to\b", re.I)
# "qualified name": why it may take **kwargs without saying so. Keep this empty or tiny.
KWARGS_ALLOWED: dict[str, str] = {}
# Modules whose public classes are transforms (keyword-only settings, like widgets).
TRANSFORM_MODULES = ("bigmodel_widgets.engine.augment",)


def _ours(obj) -> bool:
    return (getattr(obj, "__module__", None) or "").startswith(PKG)


def _public_objects() -> list[tuple[str, object]]:
    out = []
    for name in sorted(bmw.__all__):
        if name.startswith("_"):
            continue
        obj = getattr(bmw, name)
        if isinstance(obj, types.ModuleType) or not callable(obj) or not _ours(obj):
            continue
        out.append((name, obj))
    return out


def _callables() -> list[tuple[str, object, object]]:
    """(qualified name, function, object whose docstring documents it) for every public
    function, public class's __init__ and public method defined in this package."""
    seen, out = set(), []
    for name, obj in _public_objects():
        if not inspect.isclass(obj):
            out.append((name, obj, obj))
            continue
        for klass in obj.__mro__:
            if not _ours(klass):
                continue
            for attr, raw in vars(klass).items():
                if attr.startswith("_") and attr != "__init__":
                    continue
                func = raw.__func__ if isinstance(raw, (staticmethod, classmethod)) else raw
                if not inspect.isfunction(func) or func in seen:
                    continue
                seen.add(func)
                doc_owner = func if attr != "__init__" or func.__doc__ else klass
                out.append((f"{klass.__qualname__}.{attr}", func, doc_owner))
    return out


def _kwargs_offenders() -> list[str]:
    bad = []
    for qualname, func, doc_owner in _callables():
        params = inspect.signature(func).parameters.values()
        if not any(p.kind is p.VAR_KEYWORD for p in params) or qualname in KWARGS_ALLOWED:
            continue
        if not FORWARDS.search(inspect.getdoc(doc_owner) or ""):
            bad.append(qualname)
    return sorted(set(bad))


def test_no_public_callable_hides_its_parameters_behind_kwargs():
    bad = _kwargs_offenders()
    assert not bad, (
        "these public callables take **kwargs without a docstring saying where "
        f"they are forwarded to: {bad}"
    )


def test_the_kwargs_allow_list_names_real_callables():
    names = {q for q, _, _ in _callables()}
    assert set(KWARGS_ALLOWED) <= names, set(KWARGS_ALLOWED) - names


def _settings_callables() -> list[tuple[str, object]]:
    """Public widget classes (their __init__), the one-call widget helpers, and transforms."""
    out = []
    for name, obj in _public_objects():
        module = obj.__module__
        is_widget = module.startswith(f"{PKG}.widgets")
        is_transform = (
            inspect.isclass(obj)
            and module.startswith(TRANSFORM_MODULES)
            and hasattr(obj, "to_config")
        )
        if not (is_widget or is_transform):
            continue
        if inspect.isclass(obj):
            init = obj.__init__
            if not _ours(init):
                continue  # the constructor is ipywidgets' own
            out.append((f"{name}.__init__", init))
        else:
            out.append((name, obj))
    return out


def _positional_offenders() -> list[str]:
    """Only the first parameter (the widget's subject: an image, a sweep, a model) and
    required ones may be positional; every other parameter with a default is keyword-only."""
    bad = []
    for qualname, func in _settings_callables():
        params = [p for p in inspect.signature(func).parameters.values() if p.name != "self"]
        for i, p in enumerate(params):
            if p.kind is p.VAR_POSITIONAL:
                bad.append(f"{qualname}(*{p.name})")
            elif (
                p.kind is p.POSITIONAL_OR_KEYWORD
                and i > 0
                and p.default is not inspect.Parameter.empty
            ):
                bad.append(f"{qualname}({p.name}=...)")
    return sorted(bad)


def test_widget_and_transform_settings_are_keyword_only():
    bad = _positional_offenders()
    assert not bad, f"make these keyword-only (after a `*`): {bad}"


def test_the_checks_cover_widgets_and_transforms():
    # Guard against the test silently checking nothing after a rename.
    names = {q for q, _ in _settings_callables()}
    assert any(n.startswith("AugmentationPreview") for n in names)
    assert any(n.startswith("Rotate") for n in names)
    assert len(_callables()) > 50


@pytest.mark.parametrize(
    "doc, ok",
    [
        ("Extra keywords are forwarded to `Pipeline`.", True),
        ("kwargs: passed to keras.Model.fit", True),
        ("``kwargs`` go to the job itself: train_mlp", True),
        ("Options.", False),
    ],
)
def test_the_forwarding_rule(doc, ok):
    assert bool(FORWARDS.search(doc)) is ok
