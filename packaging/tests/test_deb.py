"""`make dist-check`: the .deb that `make dist` built, unpacked into a temporary root and run as
installed, with no Python on PATH and an empty HOME.

Not part of `make test` (it needs the bundle `make dist` takes minutes to build);
.ci/run runs it after the suite. The .deb is found in dist/ (or named by CHAPTERDESK_DEB).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.dom.minidom
from pathlib import Path

import pytest

from chapterdesk import __version__
from chapterdesk.data.migrate import open_database
from chapterdesk.demo import build_demo
from tests.hqimport.exports import hq_records, write_export
from tests.installed import Installed, check_installed

ROOT = Path(__file__).resolve().parent.parent.parent
APP_ID = "org.chapterdesk.ChapterDesk"
pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .deb's files under a temporary root, as `dpkg -i` would lay them out."""
    named = os.environ.get("CHAPTERDESK_DEB")
    found = [Path(named)] if named else sorted((ROOT / "dist").glob("chapterdesk_*.deb"))
    assert found, "no .deb in dist/: run `make dist` first"
    deb = found[-1]
    assert f"chapterdesk_{__version__}_" in deb.name
    root = tmp_path_factory.mktemp("root")
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    fields = subprocess.run(["dpkg-deb", "-f", str(deb)], capture_output=True, text=True,
                            check=True).stdout
    assert "Package: chapterdesk" in fields and "libxcb-cursor0" in fields
    return root


def test_the_package_lays_out_the_command_desktop_entry_icons_mime_type_and_metainfo(
    unpacked: Path,
) -> None:
    command = unpacked / "usr" / "bin" / "chapterdesk"
    assert os.readlink(command) == "/opt/chapterdesk/chapterdesk"
    assert os.access(unpacked / "opt" / "chapterdesk" / "chapterdesk", os.X_OK)
    share = unpacked / "usr" / "share"
    desktop = (share / "applications" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    assert "Exec=chapterdesk %f\n" in desktop and f"Icon={APP_ID}" in desktop
    # the file manager opens a handover package (and offers ChapterDesk for a .sqlite3) with it
    (types,) = [line for line in desktop.splitlines() if line.startswith("MimeType=")]
    assert types.removeprefix("MimeType=").split(";") == [
        "application/x-chapterdesk-handover", "application/vnd.sqlite3", "",
    ]  # fmt: skip
    icons = share / "icons" / "hicolor"
    assert (icons / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        png = (icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        assert (width, height) == (size, size)
    mime = xml.dom.minidom.parse(str(share / "mime" / "packages" / f"{APP_ID}.xml"))
    (kind,) = mime.getElementsByTagName("mime-type")
    assert kind.getAttribute("type") == "application/x-chapterdesk-handover"
    assert mime.getElementsByTagName("glob")[0].getAttribute("pattern") == "*.cdh"
    metainfo = share / "metainfo" / f"{APP_ID}.metainfo.xml"
    if shutil.which("appstreamcli"):
        checked = subprocess.run(["appstreamcli", "validate", "--no-net", str(metainfo)],
                                 capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout
    else:
        xml.dom.minidom.parse(str(metainfo))
    if shutil.which("desktop-file-validate"):
        checked = subprocess.run(["desktop-file-validate",
                                  str(share / "applications" / f"{APP_ID}.desktop")],
                                 capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout


def test_the_bundled_binary_does_an_officers_round_with_no_python_on_path(
    unpacked: Path, tmp_path: Path
) -> None:
    bin_dir = tmp_path / "bin"  # PATH: the package's command and the shell's basics, no Python
    bin_dir.mkdir()
    for tool in ("sh", "ls", "cat"):
        found = shutil.which(tool)
        assert found is not None
        (bin_dir / tool).symlink_to(found)
    (bin_dir / "chapterdesk").symlink_to(unpacked / "opt" / "chapterdesk" / "chapterdesk")
    assert shutil.which("python3", path=str(bin_dir)) is None
    assert shutil.which("python", path=str(bin_dir)) is None
    work = tmp_path / "work"
    work.mkdir()
    app = Installed.make(["chapterdesk"], work, path=str(bin_dir))
    app.command = [str(bin_dir / "chapterdesk")]
    source = open_database(tmp_path / "hq.sqlite3", create=True)
    try:
        build_demo(source, members=60)
        records = hq_records(source)
    finally:
        source.dispose()
    export = write_export(tmp_path / "hq-roster.xlsx", records)
    check_installed(app, export, len(records))
