"""The app icon for every platform, made from packaging/icon.svg: PNGs (Linux, the window), a Windows
.ico and a macOS .icns, both holding PNG images (the formats allow it: Windows Vista and later read
PNG-compressed .ico entries, macOS 10.7 and later the ``ic07``…``ic10`` PNG entries). Rendered with Qt's
SVG renderer (PySide6 is already a dependency; no Pillow or iconutil needed, so every OS builds the same).

    python packaging/icons.py OUT_FOLDER
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SVG = HERE / "icon.svg"
#: Sizes of the PNGs (the .ico takes those up to 256, the .icns those from 128 up).
SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
#: The .icns entry type of each PNG size.
ICNS_TYPES = {128: b"ic07", 256: b"ic08", 512: b"ic09", 1024: b"ic10"}


def render_pngs(svg: Path = SVG) -> dict[int, bytes]:
    """The icon drawn at every size of :data:`SIZES`, as PNG bytes."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    pngs = {}
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        pngs[size] = bytes(data.data())
    del _app
    return pngs


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico of the PNGs up to 256 px (ICONDIR, one ICONDIRENTRY each, then the PNG data)."""
    sizes = [s for s in sorted(pngs) if s <= 256]
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, blobs = b"", b""
    for size in sizes:
        data = pngs[size]
        dim = 0 if size == 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset + len(blobs))
        blobs += data
    return header + entries + blobs


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns of the PNGs from 128 px up ('icns', total length, then type, length, data each)."""
    body = b"".join(
        ICNS_TYPES[size] + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
        for size in sorted(ICNS_TYPES)
        if size in pngs
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def make_icons(out: Path) -> dict[str, Path]:
    """Write annotator.png (256 px), annotator-N.png, annotator.ico and annotator.icns into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    pngs = render_pngs()
    made = {}
    for size, data in pngs.items():
        (out / f"annotator-{size}.png").write_bytes(data)
    made["png"] = out / "annotator.png"
    made["png"].write_bytes(pngs[256])
    made["ico"] = out / "annotator.ico"
    made["ico"].write_bytes(ico_bytes(pngs))
    made["icns"] = out / "annotator.icns"
    made["icns"].write_bytes(icns_bytes(pngs))
    return made


if __name__ == "__main__":
    for kind, path in make_icons(Path(sys.argv[1] if len(sys.argv) > 1 else "build/icon")).items():
        print(f"{kind}: {path}")
