"""The command line in a subprocess: exit statuses, messages and JSON, as a script sees them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from chapterdesk.data.engine import resolve_location
from chapterdesk.data.migrate import open_database
from chapterdesk.services.roster.members import list_members
from chapterdesk.standing import Standing


def test_init_then_refuse_a_second_init(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = str(tmp_path / "new.sqlite3")
    done = cli(
        "init",
        "--db",
        path,
        "--chapter",
        "Capital Area",
        "--currency",
        "cad",
        "--year-start",
        "07-01",
    )
    assert done.returncode == 0, done.stderr
    assert "Capital Area (CAD, dues year from 07-01)" in done.stdout
    again = cli("init", "--db", path, "--chapter", "Other")
    assert again.returncode == 3
    assert "already holds the chapter 'Capital Area'" in again.stderr


def test_init_rejects_malformed_values_without_writing(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.sqlite3"
    done = cli("init", "--db", str(path), "--chapter", "X", "--year-start", "02-30")
    assert done.returncode == 2
    assert "'02-30' is not a year start" in done.stderr
    assert "Traceback" not in done.stderr


def test_members_add_lapsed_exits_3_and_current_exits_0(cli, demo_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = open_database(demo_path)
    try:
        import datetime as dt

        from sqlalchemy import select

        from chapterdesk.data.models import ChapterMembership, HqMember

        with db.reading() as session:
            members = set(session.scalars(select(ChapterMembership.hq_id)))
            candidates = session.scalars(
                select(HqMember).where(
                    HqMember.hq_id.not_in(members), HqMember.member_type == "Regular"
                )
            ).all()
            today = dt.date.today()
            lapsed = next(h.hq_id for h in candidates if h.hq_status == "Lapsed")
            current = next(
                h.hq_id
                for h in candidates
                if h.hq_status == "Active" and h.paid_through and h.paid_through > today
            )
    finally:
        db.dispose()
    refused = cli("members", "add", lapsed, "--db", str(demo_path))
    assert refused.returncode == 3
    assert lapsed in refused.stderr and "lapsed" in refused.stderr
    assert "Traceback" not in refused.stderr
    added = cli("members", "add", current, "--db", str(demo_path), "--json")
    assert added.returncode == 0, added.stderr
    body = json.loads(added.stdout)
    assert body["hq_id"] == current and body["standing"] == "good"


def test_members_list_json_matches_the_service(cli, demo_path: Path) -> None:  # type: ignore[no-untyped-def]
    done = cli("members", "list", "--db", str(demo_path), "--standing", "lapsed", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    db = open_database(demo_path)
    try:
        expected = [e.hq_id for e in list_members(db, standing=Standing.LAPSED)]
    finally:
        db.dispose()
    assert [r["hq_id"] for r in rows] == expected and expected
    assert {r["standing"] for r in rows} == {"lapsed"}
    assert all(r["suspended"] for r in rows)


def test_members_show_and_text_list(cli, demo_path: Path) -> None:  # type: ignore[no-untyped-def]
    listing = cli("members", "list", "--db", str(demo_path))
    assert listing.returncode == 0
    assert listing.stdout.strip().endswith("120 members.")
    first_id = listing.stdout.splitlines()[2].split()[0]
    shown = cli("members", "show", first_id, "--db", str(demo_path), "--json")
    assert shown.returncode == 0
    assert json.loads(shown.stdout)["hq_id"] == first_id
    missing = cli("members", "show", "1", "--db", str(demo_path))
    assert missing.returncode == 2 and "not known" in missing.stderr


def test_officers_set_and_list(cli, demo_path: Path) -> None:  # type: ignore[no-untyped-def]
    listing = cli("officers", "list", "--db", str(demo_path), "--json")
    terms = json.loads(listing.stdout)
    assert [t["position"] for t in terms][:4] == [
        "President",
        "President-Elect",
        "Treasurer",
        "Secretary",
    ]
    president = terms[0]
    clash = cli(
        "officers",
        "set",
        terms[1]["hq_id"],
        "President",
        "--from",
        president["starts_on"],
        "--db",
        str(demo_path),
    )
    assert clash.returncode == 3 and "single-holder" in clash.stderr
    bad_date = cli("officers", "set", "1", "President", "--from", "July 1", "--db", str(demo_path))
    assert bad_date.returncode == 2 and "YYYY-MM-DD" in bad_date.stderr


def test_missing_database_and_bad_id_are_bad_input(cli, tmp_path: Path, demo_path: Path) -> None:  # type: ignore[no-untyped-def]
    nowhere = cli("members", "list", "--db", str(tmp_path / "none.sqlite3"))
    assert nowhere.returncode == 2 and "chapterdesk init" in nowhere.stderr
    assert not (tmp_path / "none.sqlite3").exists()
    bad = cli("members", "add", "12-34", "--db", str(demo_path))
    assert bad.returncode == 2 and "not an HQ member ID" in bad.stderr


def test_demo_command_writes_a_deterministic_chapter(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a, b = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    for path in (a, b):
        done = cli("demo", "--db", str(path), "--members", "50")
        assert done.returncode == 0, done.stderr
    rows = []
    for path in (a, b):
        con = sqlite3.connect(path)
        rows.append(
            con.execute(
                "SELECT hq_id, first_name, last_name, paid_through FROM hq_member ORDER BY hq_id"
            ).fetchall()
        )
        con.close()
    assert rows[0] == rows[1] and len(rows[0]) >= 3000
    again = cli("demo", "--db", str(a))
    assert again.returncode == 3 and "already holds a chapter" in again.stderr
    assert resolve_location(a).is_sqlite


def test_python_dash_m_and_version(cli) -> None:  # type: ignore[no-untyped-def]
    done = cli("--version")
    assert done.returncode == 0 and done.stdout.startswith("ChapterDesk ")
    unknown = cli("frobnicate")
    assert unknown.returncode == 2


def test_a_closed_pipe_is_not_an_error(demo_path: Path) -> None:
    """`chapterdesk members list | head -1` ends quietly, with nothing logged as a bug."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    done = subprocess.run(
        f"'{sys.executable}' -m chapterdesk members list --db '{demo_path}' | head -1",
        shell=True,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.stdout.startswith("HQ ID")
    assert "unexpected error" not in done.stderr and "Traceback" not in done.stderr


def test_only_db_and_demo_open_the_window_without_the_full_parser() -> None:
    from chapterdesk.cli import main, window_arguments
    from chapterdesk.file_to_open import WindowRequest

    opened: list[WindowRequest] = []

    def open_window(request: WindowRequest) -> int:
        opened.append(request)
        return 0

    assert main(["--db", "x.sqlite3"], open_window=open_window) == 0
    assert main(["--demo"], open_window=open_window) == 0
    assert opened == [WindowRequest("x.sqlite3", False), WindowRequest(None, True)]
    for command in (["--db", "x", "members", "list"], ["--help"], ["--version"], ["--db"]):
        assert window_arguments(command) is None  # the full parser answers these


def test_help_still_lists_the_commands(cli) -> None:  # type: ignore[no-untyped-def]
    done = cli("--help")
    assert done.returncode == 0 and "members" in done.stdout and "--demo" in done.stdout


def test_a_command_leaves_without_the_teardown_once_all_else_is_done(
    demo_path: Path, tmp_path: Path
) -> None:
    """Every exit step runs and every line is written; only the modules' freeing is skipped."""
    import os
    import subprocess
    import sys

    steps = tmp_path / "steps.txt"
    script = (
        "import atexit, sys\n"
        "import chapterdesk.__main__ as entry\n"
        f"steps = open({str(steps)!r}, 'w')\n"
        "atexit.register(lambda: (steps.write('exit step ran\\n'), steps.flush()))\n"
        "class Freed:\n"
        "    def __del__(self):\n"
        "        steps.write('torn down\\n'); steps.flush()\n"
        "kept = Freed()\n"
        "sys.argv = ['chapterdesk', *sys.argv[1:]]\n"
        "entry.main()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    listing = tmp_path / "members.txt"
    with listing.open("w") as out:
        done = subprocess.run(
            [sys.executable, "-c", script, "members", "list", "--db", str(demo_path)],
            stdout=out, stderr=subprocess.PIPE, text=True, env=env, timeout=120,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert steps.read_text() == "exit step ran\n"  # not torn down: left at once after it
    db = open_database(demo_path)
    try:
        members = list_members(db)
    finally:
        db.dispose()
    lines = listing.read_text().splitlines()
    assert lines[-1] == f"{len(members)} members."  # every line reached the file
    assert {line.split()[0] for line in lines[2:-1]} == {m.hq_id for m in members}
    created = tmp_path / "new.sqlite3"  # a command that writes: all of it in the file itself
    made = subprocess.run(
        [sys.executable, "-c", script, "init", "--db", str(created), "--chapter", "Lakes"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    for database in (demo_path, created):  # no write left waiting in a write-ahead log
        log = Path(f"{database}-wal")
        assert not log.exists() or log.stat().st_size == 0
    refused = subprocess.run(
        [sys.executable, "-c", script, "members", "show", "nobody", "--db", str(demo_path)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert refused.returncode == 2 and refused.stderr.strip()
    wrapped = (  # an exit step registered before the entry point (coverage, a profiler) runs
        "import atexit, sys\n"
        f"atexit.register(lambda: open({str(steps)!r}, 'a').write('wrapper ran\\n'))\n"
        + script.replace("import atexit, sys\n", "")
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapped, "members", "list", "--db", str(demo_path)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "wrapper ran" in steps.read_text()


def test_a_command_on_sqlite_never_loads_sqlalchemys_postgresql_dialect(demo_path: Path) -> None:
    """40 ms of every command that loads the models (any change, an import, the officers):
    nothing on the way to a SQLite database needs it."""
    import os
    import subprocess
    import sys

    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('loaded' if 'sqlalchemy.dialects.postgresql' in "
        "sys.modules else 'not loaded', file=sys.stderr))\n"
        "sys.argv = ['chapterdesk', 'officers', 'list', '--db', sys.argv[1]]\n"
        "import chapterdesk.data.models\n"  # loaded whatever the command reads with
        "from chapterdesk.__main__ import main\n"
        "main()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    done = subprocess.run(
        [sys.executable, "-c", probe, str(demo_path)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "not loaded"
