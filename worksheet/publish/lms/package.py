"""Zip packages whose bytes depend on their content alone: sorted entries, fixed times and modes."""

from __future__ import annotations

import io
import zipfile

# The earliest time a zip entry can carry (MS-DOS dates start in 1980).
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def zip_bytes(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the mode below is read on every platform
            info.external_attr = 0o100644 << 16
            data = files[name]
            zf.writestr(info, data.encode("utf-8") if isinstance(data, str) else data, compresslevel=6)
    return buffer.getvalue()
