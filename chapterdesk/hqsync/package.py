"""Finding a workbook's parts as a spreadsheet program does: through the package's relationships.

An xlsx or xlsb package names its main part in `_rels/.rels` (the relationship
of type `officeDocument`); the workbook's own relationships then name its
worksheets and its shared strings. Excel puts them at `xl/workbook.xml` and
`xl/worksheets/sheetN.xml`, but a valid package may put them anywhere, and
python-calamine follows the relationships, so the checks follow them too.
An OpenDocument spreadsheet (.ods) says what it is in its `mimetype` part.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException, ElementTree

MAX_RELS_BYTES = 1024 * 1024  #: a relationships part (a real one is under 2 KB)
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

_OFFICE_DOCUMENT = "/officeDocument"
_WORKSHEET = "/worksheet"
_SHARED_STRINGS = "/sharedStrings"


@dataclass(frozen=True)
class WorkbookParts:
    """Where a package keeps its workbook, worksheets and shared strings."""

    workbook: str
    binary: bool  #: an .xlsb (binary records), not XML
    sheets: frozenset[str] = field(default_factory=frozenset)
    shared_strings: str | None = None


def _relationships(archive: zipfile.ZipFile, names: set[str], source: str) -> list[Element]:
    """The relationships of the part `source` ("" for the package), or [] if it has none."""
    folder, base = posixpath.split(source)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in names or archive.getinfo(rels).file_size > MAX_RELS_BYTES:
        return []
    try:
        root = ElementTree.fromstring(archive.read(rels))
    except (ElementTree.ParseError, DefusedXmlException, zipfile.BadZipFile, zlib.error, OSError):
        # unreadable relationships: the workbook is looked for where Excel puts it, and a
        # package without one is refused there with its own sentence
        return []
    return [element for element in root if element.tag.endswith("Relationship")]


def _target(source: str, element: Element) -> str:
    target = element.get("Target", "")
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def workbook_parts(archive: zipfile.ZipFile, names: set[str]) -> WorkbookParts | None:
    """The workbook the package's relationships point to, with its sheets; None if there is none."""
    workbook = next(
        (_target("", rel) for rel in _relationships(archive, names, "")
         if rel.get("Type", "").endswith(_OFFICE_DOCUMENT)),
        None,
    )  # fmt: skip
    if workbook is None or workbook not in names:
        if "xl/workbook.xml" in names:
            workbook = "xl/workbook.xml"
        elif "xl/workbook.bin" in names:
            workbook = "xl/workbook.bin"
        else:
            return None
    sheets: set[str] = set()
    shared: str | None = None
    for rel in _relationships(archive, names, workbook):
        kind = rel.get("Type", "")
        if kind.endswith(_WORKSHEET):
            sheets.add(_target(workbook, rel))
        elif kind.endswith(_SHARED_STRINGS):
            shared = _target(workbook, rel)
    if not workbook.endswith((".xml", ".bin")):
        return None
    return WorkbookParts(workbook, workbook.endswith(".bin"), frozenset(sheets), shared)


def is_ods(archive: zipfile.ZipFile, names: set[str]) -> bool:
    """True for an OpenDocument spreadsheet: its `mimetype` part says so."""
    if "mimetype" not in names or "content.xml" not in names:
        return False
    if archive.getinfo("mimetype").file_size > 256:
        return False
    return archive.read("mimetype").strip() == ODS_MIMETYPE
