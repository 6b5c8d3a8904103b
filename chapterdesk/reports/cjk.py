"""A TrueType-outline copy of Noto Sans CJK, which reportlab can embed.

Noto Sans CJK is published with CFF (PostScript) outlines, in a collection
(.ttc) of one face per region. reportlab embeds TrueType outlines only, so the
face is converted once per machine with fontTools: every cubic curve turned
into quadratic ones (cu2qu, within one font unit), the `glyf` table written in
place of `CFF `. The copy is kept in the user's cache folder under a name that
changes when the source font does, so an upgraded font is converted again.
The conversion takes about a minute; `make install` runs it
(`python -m chapterdesk.reports.cjk`) so that the first report does not wait.
PDFs embed a subset of it, as of every font.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import platformdirs
from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

from chapterdesk.atomic import atomic_path

__all__ = ["cache_folder", "truetype_copy"]

#: Tables that describe CFF outlines or vertical layout, which a report never uses.
_DROPPED = ("CFF ", "VORG", "vhea", "vmtx", "GPOS", "GSUB")


def cache_folder() -> Path:
    """Where converted fonts are kept (CHAPTERDESK_FONT_CACHE overrides it)."""
    override = os.environ.get("CHAPTERDESK_FONT_CACHE")
    path = Path(override) if override else Path(platformdirs.user_cache_dir("ChapterDesk"))
    path = path / "fonts"
    path.mkdir(parents=True, exist_ok=True)
    return path


def truetype_copy(source: Path, index: int, ranges: Sequence[tuple[int, int]]) -> Path:
    """The path of a TrueType-outline copy of face `index` of `source`, converted if needed.

    Only the characters in `ranges` (inclusive code point ranges) are kept.
    """
    stat = source.stat()
    key = f"{source.resolve()}|{index}|{stat.st_size}|{stat.st_mtime_ns}|{list(ranges)}"
    tag = hashlib.sha256(key.encode())
    target = cache_folder() / f"{source.stem}-{index}-{tag.hexdigest()[:12]}.ttf"
    if target.is_file():
        return target
    font = TTFont(str(source), fontNumber=index)
    if "glyf" not in font:
        _keep_only(font, ranges)
        _convert_outlines(font)
    with atomic_path(target) as temporary:
        font.save(str(temporary))
    return target


def _keep_only(font: TTFont, ranges: Sequence[tuple[int, int]]) -> None:
    """Drop every glyph the fallback chain never asks this font for (and the layout tables)."""
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.desubroutinize = True
    options.name_IDs = ["*"]
    options.notdef_outline = True
    cmap = font.getBestCmap()
    wanted = [c for c in cmap if any(low <= c <= high for low, high in ranges)]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[0x20, *wanted])
    subsetter.subset(font)


def _convert_outlines(font: TTFont) -> None:
    """Replace the font's CFF outlines by quadratic TrueType ones, in place."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 1 if field == "maxZones" else 0)
    font["post"].formatType = 3.0  # no glyph names: format 2 cannot index 65,535 of them
    for tag in _DROPPED:
        if tag in font:
            del font[tag]
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def main() -> int:
    """Convert the CJK fallback font now (run by `make install`); 0 when done or not present."""
    from chapterdesk.reports.fontchain import FALLBACKS, locate

    for fallback in FALLBACKS:
        if not fallback.cff:
            continue
        where = locate(fallback)
        if where is None:
            print(f"{fallback.family} is not installed: nothing to convert", file=sys.stderr)
            continue
        print(f"{fallback.family}: {truetype_copy(*where, fallback.ranges)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
