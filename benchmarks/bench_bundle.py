"""The desktop bundle against the development virtualenv: installed size and start-up time.

Run after `make dist` (see benchmarks/README.md, "Desktop bundle"):

    .venv/bin/python benchmarks/bench_bundle.py [--deb dist/chapterdesk_*.deb] [--runs 5]

The .deb is unpacked into a temporary root (`dpkg-deb -x`). Start-up is the wall
time from starting the process to the line the window prints once it is shown
and has read what it shows (`CHAPTERDESK_QUIT_WHEN_SHOWN`), on a 600-member demo
chapter, offscreen, each run a new process with an empty HOME; the venv and the
bundle alternate run by run. The first run of each (files not yet in the page
cache after the unpack) is reported apart from the median of the rest. Also
timed: `--version` (the command line without the window).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def folder_size(path: Path) -> int:
    """Bytes of the files under `path` (symlinks not followed)."""
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def timed(command: list[str], env: dict[str, str], expect: str) -> float:
    """Seconds from starting `command` to the first line of its output containing `expect`."""
    started = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                          env=env) as process:
        assert process.stdout is not None
        for line in process.stdout:
            if expect in line:
                elapsed = time.perf_counter() - started
                break
        else:
            raise SystemExit(f"{command[0]} never printed {expect!r}")
        process.wait(timeout=60)
    return elapsed


def main() -> int:
    """Measure and print a Markdown table for benchmarks/README.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deb", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    deb = args.deb or max((ROOT / "dist").glob("chapterdesk_*.deb"), default=None)
    if deb is None:
        raise SystemExit("No .deb in dist/: run `make dist` first.")
    with tempfile.TemporaryDirectory(prefix="cd-bundle-bench-") as scratch:
        work = Path(scratch)
        root = work / "root"
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
        bundle = root / "opt" / "chapterdesk" / "chapterdesk"
        venv = ROOT / ".venv" / "bin" / "chapterdesk"
        db = work / "demo.sqlite3"
        subprocess.run([str(venv), "demo", "--db", str(db)], check=True,
                       stdout=subprocess.DEVNULL)
        site = next((ROOT / ".venv" / "lib").glob("python3*/site-packages"))
        sizes = {
            "bundle (/opt/chapterdesk)": folder_size(root / "opt" / "chapterdesk"),
            "whole package unpacked": folder_size(root),
            ".deb file": deb.stat().st_size,
            "venv site-packages (dev + test tools)": folder_size(site),
        }
        window: dict[str, list[float]] = {"venv": [], "bundle": []}
        version: dict[str, list[float]] = {"venv": [], "bundle": []}
        for run in range(args.runs):
            for name, command in (("bundle", bundle), ("venv", venv)):
                home = work / f"home-{name}-{run}"
                home.mkdir()
                env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
                       "QT_QPA_PLATFORM": "offscreen", "CHAPTERDESK_QUIT_WHEN_SHOWN": "1"}
                window[name].append(timed([str(command), "--db", str(db)], env, "window shown"))
                version[name].append(timed([str(command), "--version"], env, "ChapterDesk"))
        shutil.rmtree(root)
    load = os.getloadavg()[0]
    print(f"{deb.name}, {args.runs} runs each, load average {load:.1f}\n")
    print("| size | MB |\n|---|---|")
    for name, size in sizes.items():
        print(f"| {name} | {size / 1e6:,.0f} |")
    print("\n| start-up (s) | venv first | bundle first | venv median | bundle median | ratio |")
    print("|---|---|---|---|---|---|")
    for label, figures in (("window shown", window), ("--version", version)):
        v, b = figures["venv"], figures["bundle"]
        rest_v = statistics.median(v[1:] or v)
        rest_b = statistics.median(b[1:] or b)
        print(f"| {label} | {v[0]:.2f} | {b[0]:.2f} | {rest_v:.2f} | {rest_b:.2f} | "
              f"{rest_b / rest_v:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
