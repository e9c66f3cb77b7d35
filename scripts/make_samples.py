"""Make the small sample images chapter 5's tests and notebook use (deliberately broken ones too).

Run: ``python scripts/make_samples.py`` (deterministic; rewrites the files in
``bigmodel_widgets/samples/``, which ship inside the package as package data).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

__all__ = ["main"]

HERE = Path(__file__).resolve().parents[1] / "bigmodel_widgets" / "samples"


def _digit(text: str, size: int = 96, thickness: int = 9) -> np.ndarray:
    """A dark handwritten-looking digit on light paper with uneven lighting and noise."""
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:size, 0:size]
    paper = 215 + 25 * (xx / size) - 15 * (yy / size) + rng.normal(0, 4, (size, size))
    img = np.clip(paper, 0, 255).astype(np.uint8)
    cv2.putText(
        img,
        text,
        (size // 4, size * 4 // 5),
        cv2.FONT_HERSHEY_SIMPLEX,
        size / 40,
        40,
        thickness,
        cv2.LINE_AA,
    )
    return img


def main() -> None:
    seven = _digit("7")
    # A colour "photo" of a digit (JPEG, 3 channels): dark ink on white paper.
    cv2.imwrite(
        str(HERE / "digit_photo_7.jpg"),
        cv2.merge([seven, seven, seven]),
        [cv2.IMWRITE_JPEG_QUALITY, 90],
    )
    # A drawing with a transparent background (RGBA PNG), as canvases export them.
    three = _digit("3")
    rgba = np.zeros((*three.shape, 4), np.uint8)
    rgba[..., 3] = 255 - three  # ink opaque, paper transparent
    cv2.imwrite(str(HERE / "digit_rgba_3.png"), rgba)
    # A 16-bit grayscale PNG (scanners and microscopes write these).
    cv2.imwrite(str(HERE / "digit_16bit_5.png"), _digit("5").astype(np.uint16) * 257)
    # Broken inputs.
    ok = cv2.imencode(".jpg", seven)[1].tobytes()
    (HERE / "truncated.jpg").write_bytes(ok[: len(ok) // 2])
    (HERE / "not_an_image.png").write_text("This is a text file with a .png name.\n")
    cv2.imwrite(str(HERE / "one_pixel.png"), np.zeros((1, 1), np.uint8))
    cv2.imwrite(str(HERE / "blank.png"), np.full((64, 64), 255, np.uint8))


if __name__ == "__main__":
    main()
