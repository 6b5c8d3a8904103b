"""Pack the PyInstaller folder into a Debian package with dpkg-deb (`make dist` runs this).

The package installs the bundle under /opt/chapterdesk/, a `chapterdesk` command in
/usr/bin, the desktop entry, the icon set (the SVG and PNGs of 16 to 512 pixels,
drawn from the SVG with Qt here at build time), the handover package's MIME type
and the AppStream metainfo. Debian's file triggers (desktop-file-utils,
shared-mime-info, hicolor-icon-theme) refresh their caches on install.

Usage: python packaging/build_deb.py BUNDLE_DIR OUTPUT_DIR
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINUX = ROOT / "packaging" / "linux"
APP_ID = "org.chapterdesk.ChapterDesk"
SVG = ROOT / "chapterdesk" / "resources" / "icons" / "chapterdesk.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# The system libraries the bundled Qt opens a window with (as scripts/ensure-qt-runtime).
DEPENDS = (
    "libc6 (>= 2.31), libxcb-cursor0, libxkbcommon-x11-0, libxcb-icccm4, libxcb-image0, "
    "libxcb-keysyms1, libxcb-randr0, libxcb-render-util0, libxcb-shape0, libxcb-xinerama0, "
    "libxcb-xkb1, libxcb-xfixes0, libegl1, libgl1, libfontconfig1, libdbus-1-3, libglib2.0-0"
)
# The fonts reports fall back to for names DejaVu Sans cannot print (Arabic, Hebrew,
# Devanagari, Thai, CJK, emoji: reports/fontchain.py finds them through fontconfig).
RECOMMENDS = "fontconfig, fonts-noto-core, fonts-noto-cjk, fonts-symbola"


def render_pngs(svg: Path, sizes: tuple[int, ...]) -> dict[int, bytes]:
    """The SVG drawn at each size by Qt's SVG renderer, as PNG bytes."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not a valid SVG")
    drawn: dict[int, bytes] = {}
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        drawn[size] = bytes(data.data())
    del app
    return drawn


def installed_size_kib(folder: Path) -> int:
    """The staged files' size in KiB, for the control file's Installed-Size."""
    total = sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() or p.is_symlink())
    return (total + 1023) // 1024


def stage(bundle: Path, root: Path, version: str, architecture: str) -> None:
    """Lay the package's files out under `root`, as they will be installed."""
    shutil.copytree(bundle, root / "opt" / "chapterdesk", symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / "chapterdesk").symlink_to("/opt/chapterdesk/chapterdesk")
    share = root / "usr" / "share"
    for source, target in (
        (LINUX / f"{APP_ID}.desktop", share / "applications" / f"{APP_ID}.desktop"),
        (LINUX / f"{APP_ID}.mime.xml", share / "mime" / "packages" / f"{APP_ID}.xml"),
        (LINUX / f"{APP_ID}.metainfo.xml", share / "metainfo" / f"{APP_ID}.metainfo.xml"),
        (SVG, share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"),
    ):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    for size, png in render_pngs(SVG, PNG_SIZES).items():
        target = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True)
        target.write_bytes(png)
    docs = share / "doc" / "chapterdesk"
    docs.mkdir(parents=True)
    shutil.copyfile(ROOT / "chapterdesk" / "resources" / "fonts" / "LICENSE-DejaVu.txt",
                    docs / "LICENSE-DejaVu.txt")
    control = root / "DEBIAN" / "control"
    control.parent.mkdir()
    control.write_text(
        f"Package: chapterdesk\n"
        f"Version: {version}\n"
        f"Architecture: {architecture}\n"
        f"Maintainer: ChapterDesk <support@chapterdesk.org>\n"
        f"Installed-Size: {installed_size_kib(root)}\n"
        f"Depends: {DEPENDS}\n"
        f"Recommends: {RECOMMENDS}\n"
        f"Section: misc\n"
        f"Priority: optional\n"
        f"Homepage: https://chapterdesk.org/\n"
        f"Description: run a chapter of a professional association\n"
        f" ChapterDesk keeps a chapter's roster, checks members' standing with the\n"
        f" international association, imports HQ's exports and keeps the dues ledger,\n"
        f" offline, on the officer's own computer.\n",
        encoding="utf-8",
    )
    for path in root.rglob("*"):  # dpkg-deb refuses group- or world-writable control files
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)


def main(argv: list[str]) -> int:
    """Build `chapterdesk_VERSION_ARCH.deb` in the output folder; print its path."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    bundle, out = Path(argv[0]), Path(argv[1])
    if not (bundle / "chapterdesk").is_file():
        print(f"{bundle} holds no PyInstaller bundle; run pyinstaller first.", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    from chapterdesk import __version__

    architecture = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()
    staging = out / "deb-root"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    stage(bundle, staging, __version__, architecture)
    target = out / f"chapterdesk_{__version__}_{architecture}.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zgzip", "-z6", "--build", str(staging), str(target)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    shutil.rmtree(staging)
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
