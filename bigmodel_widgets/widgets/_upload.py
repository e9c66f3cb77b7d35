"""What a FileUpload's ``value`` holds, as (file name, bytes), for every widget with an upload.

The bytes then go to the one image decoder (``engine.images.decode_image``), so an upload gets
the same verdict and message as ``read_image`` on the same file.
"""

from __future__ import annotations

__all__ = ["first_upload"]


def first_upload(value) -> tuple[str, bytes] | None:
    """(name, content) of the first uploaded file, or None when there is none.

    ipywidgets 8 gives a tuple of dicts ``{"name", "type", "size", "content", ...}`` with the
    content as a memoryview; ipywidgets 7 gave a dict keyed by file name. Both are read.
    """
    if not value:
        return None
    files = list(value.values()) if isinstance(value, dict) else list(value)
    f = files[0]
    name = f.get("name") or (f.get("metadata") or {}).get("name") or "upload"
    return str(name), bytes(f["content"])
