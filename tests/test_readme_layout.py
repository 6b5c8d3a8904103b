"""The README's Layout block names every package folder, so a newcomer's map matches the tree."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def layout_block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^## Layout\n+```\n(.*?)```", text, re.S | re.M)
    assert found, "README.md has no ## Layout block"
    return found.group(1)


def named_folders(block: str) -> set[str]:
    """Each folder the block names, as its path under chapterdesk/ ("services/dues")."""
    named: set[str] = set()
    parents: list[tuple[int, str]] = []
    for line in block.splitlines():
        entry = re.match(r"( *)(\S.*?)(?:\s{2,}|$)", line)
        if not entry:
            continue
        indent, names = len(entry.group(1)), entry.group(2)
        parents = [(i, p) for i, p in parents if i < indent]
        for name in (n.strip() for n in names.split(",")):
            if name.endswith("/"):
                path = "/".join([p for _, p in parents] + [name.rstrip("/")])
                named.add(path)
        first = names.split(",")[0].strip()
        if first.endswith("/"):
            parents.append((indent, first.rstrip("/")))
    return named


def package_folders() -> set[str]:
    top = ROOT / "chapterdesk"
    return {
        "chapterdesk/" + str(d.relative_to(top))
        for d in top.rglob("*")
        if d.is_dir() and (d / "__init__.py").exists() and "migrations" not in d.parts
    } | {"chapterdesk"}


def test_every_package_folder_is_on_the_readme_map_and_nothing_else() -> None:
    named = named_folders(layout_block())
    on_map = {p for p in named if p == "chapterdesk" or p.startswith("chapterdesk/")}
    assert package_folders() - on_map == set(), "folders missing from README's Layout"
    missing = {p for p in on_map if not (ROOT / p).is_dir()}
    assert missing == set(), "README's Layout names folders that do not exist"
