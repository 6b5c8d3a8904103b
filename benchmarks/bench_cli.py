"""Every listing and report command at 50,000 members, as whole processes, against its floor.

Targets (issue 14), on a 50,000-member demo chapter with its dues ledger:
- `members list`, `dues balance`, `dues list` (with and without `--json`,
  `--unpaid`) within 1.5x of their floor: a bare-sqlite3 process reading the
  same rows and writing the same output (`cli_floors.py`);
- `export hq`, `report labels|roster|compliance` within 1.5x of their
  xlsxwriter / reportlab floors (the same rows read with sqlite3 and the same
  cells written with `constant_memory` / `canvas.drawString`);
- a command that reads one member (`members show`, `dues balance ID`) under
  0.3 s beyond the interpreter floor (`python -c "import sqlite3"`).

Every side runs as its own process, best of `--repeat` runs, stdout to a
file; the floors are measured in the same run, so a busy machine slows both.
Wall seconds are compared (CPU seconds are printed too: on a shared machine
they are the steadier figure).

Run:
    .venv/bin/chapterdesk demo --members 50000 --db /tmp/demo50k.sqlite
    .venv/bin/python benchmarks/bench_cli.py --db /tmp/demo50k.sqlite
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_RATIO = 1.5
ONE_MEMBER_BUDGET_S = 0.3


@dataclass(frozen=True)
class Case:
    """One command and the floor it is held to."""

    name: str
    args: tuple[str, ...]
    floor: str
    floor_arg: str = ""
    writes_file: bool = False
    one_member: bool = False


def cases(hq_id: str, year: int) -> list[Case]:
    """The commands measured, each with its floor in `cli_floors.py`."""
    return [
        Case("members list", ("members", "list"), "members_list"),
        Case("members list --json", ("members", "list", "--json"), "members_list_json"),
        Case("dues balance", ("dues", "balance"), "dues_balance"),
        Case("dues balance --json", ("dues", "balance", "--json"), "dues_balance_json"),
        Case(
            f"dues list --year {year}",
            ("dues", "list", "--year", str(year)),
            "dues_list",
            str(year),
        ),
        Case(
            f"dues list --year {year} --json",
            ("dues", "list", "--year", str(year), "--json"),
            "dues_list_json",
            str(year),
        ),
        Case(
            f"dues list --year {year} --unpaid",
            ("dues", "list", "--year", str(year), "--unpaid"),
            "dues_list_unpaid",
            str(year),
        ),
        Case(
            f"dues list --year {year} --unpaid --json",
            ("dues", "list", "--year", str(year), "--unpaid", "--json"),
            "dues_list_unpaid_json",
            str(year),
        ),
        Case("export hq", ("export", "hq", "-o", "{out}.xlsx"), "export_hq", writes_file=True),
        Case(
            "report roster",
            ("report", "roster", "-o", "{out}.pdf"),
            "report_roster",
            writes_file=True,
        ),
        Case(
            "report compliance",
            ("report", "compliance", "-o", "{out}.pdf"),
            "report_compliance",
            writes_file=True,
        ),
        Case(
            "report labels",
            ("report", "labels", "-o", "{out}.pdf"),
            "report_labels",
            writes_file=True,
        ),
        Case(
            f"members show {hq_id}",
            ("members", "show", hq_id),
            "members_show",
            hq_id,
            one_member=True,
        ),
        Case(
            f"dues balance {hq_id}",
            ("dues", "balance", hq_id),
            "members_show",
            hq_id,
            one_member=True,
        ),
    ]


def run(command: list[str], stdout: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one child process (CPU of the child alone)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with stdout.open("wb") as out:
        done = subprocess.run(command, stdout=out, stderr=subprocess.PIPE, env=env, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(
            f"{' '.join(command)} failed ({done.returncode}): {done.stderr.decode()[-800:]}"
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def best(command: list[str], stdout: Path, env: dict[str, str], repeat: int) -> tuple[float, float]:
    """Best wall (and the CPU of that run) over `repeat` runs."""
    return min(run(command, stdout, env) for _ in range(repeat))


def output_size(stdout: Path, case: Case, out_base: str) -> int:
    """Bytes the command wrote: its stdout, or the file it was told to write."""
    if case.writes_file:
        suffix = case.args[-1].rsplit(".", 1)[-1]
        return Path(f"{out_base}.{suffix}").stat().st_size
    return stdout.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--db",
        type=Path,
        required=True,
        help="a 50,000-member demo chapter (copied, never written)",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--hq-id", default="101265", help="the member the one-member commands read")
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--only", default="", help="run only cases whose name contains this")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON lines too")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    db = work / "chapter.sqlite"
    shutil.copyfile(args.db, db)
    env = dict(os.environ, PYTHONPATH=str(HERE.parent), CHAPTERDESK_LOG_DIR=str(work))
    chapterdesk = [sys.executable, "-m", "chapterdesk"]
    floor_py = [sys.executable, str(HERE / "cli_floors.py")]
    interpreter, _ = best(
        [sys.executable, "-c", "import sqlite3"], work / "nothing", env, args.repeat
    )
    print(f"machine load: {os.getloadavg()[0]:.2f} (1-min), interpreter floor {interpreter:.3f} s")
    print(
        f"{'command':<40} {'ours s':>8} {'floor s':>8} {'ratio':>6} {'cpu':>11} "
        f"{'bytes ours/floor':>20}  target"
    )
    for case in cases(args.hq_id, args.year):
        if args.only and args.only not in case.name:
            continue
        ours_out, floor_out = str(work / "ours"), str(work / "floor")
        command = chapterdesk + [a.format(out=ours_out) for a in case.args] + ["--db", str(db)]
        ours, ours_cpu = best(command, work / "ours.txt", env, args.repeat)
        floor_target = (
            f"{floor_out}.{case.args[-1].rsplit('.', 1)[-1]}"
            if case.writes_file
            else str(work / "floor.txt")
        )
        floor_command = (
            floor_py
            + [case.floor, str(db), floor_target]
            + ([case.floor_arg] if case.floor_arg else [])
        )
        floor, floor_cpu = best(floor_command, work / "floor-stdout.txt", env, args.repeat)
        ours_bytes = output_size(work / "ours.txt", case, ours_out)
        sizes = f"{ours_bytes:,}/{Path(floor_target).stat().st_size:,}"
        if case.one_member:
            beyond = ours - interpreter
            verdict = f"{beyond:.3f} s beyond the interpreter <= {ONE_MEMBER_BUDGET_S}: "
            verdict += "met" if beyond <= ONE_MEMBER_BUDGET_S else "MISSED"
        else:
            verdict = f"<= {TARGET_RATIO}x: " + (
                "met" if ours <= TARGET_RATIO * floor else "MISSED"
            )
        ratio = ours / floor
        print(
            f"{case.name:<40} {ours:8.2f} {floor:8.2f} {ratio:5.2f}x "
            f"{ours_cpu:5.2f}/{floor_cpu:5.2f} "
            f"{sizes:>20}  {verdict}"
        )
        if args.json:
            print(
                json.dumps(
                    {
                        "case": case.name,
                        "ours_s": round(ours, 3),
                        "floor_s": round(floor, 3),
                        "ratio": round(ratio, 2),
                        "ours_cpu": round(ours_cpu, 3),
                        "floor_cpu": round(floor_cpu, 3),
                    }
                )
            )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
