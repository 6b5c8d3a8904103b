"""Run chapterdesk commands on a tiny or a read-only filesystem; results as JSON.

`python confined.py PLAN.json` is started by tests/faults/test_environment_cli.py,
inside `unshare --user --map-root-user --mount` when the machine allows it
(any user can: a user namespace needs no root, and as root a chmod would not
bind). There it mounts a tmpfs of a few MB, or binds the data folder onto
itself read-only, so the commands meet a real ENOSPC or EROFS. Where user
namespaces are not available the plan says `rlimit` (a file-size limit, which
fails writes with EFBIG as a full disk would) or `chmod`.

The plan: {"method": "tmpfs"|"rlimit"|"ro-bind"|"chmod", "folder": path,
"size_kb": n, "copy": {source: name}, "room": bytes left free, "database": name,
"steps": [[arg, …] or {"argv": […], "stdout": file}, …], "env": {…},
"results": path outside the folder}.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path


def digest(path: Path) -> str | None:
    """The file's bytes hashed, or None when it does not exist."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def fill(folder: Path, room: int) -> None:
    """Write zeros into `folder` until its disk is full, then free `room` bytes again."""
    filler = folder / "filler"
    with filler.open("wb") as out:
        chunk = b"\0" * 65536
        try:
            while True:
                out.write(chunk)
                out.flush()
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
    if room:
        os.truncate(filler, max(0, filler.stat().st_size - room))


def main() -> None:
    plan = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    folder = Path(plan["folder"])
    method = plan["method"]
    folder.mkdir(parents=True, exist_ok=True)
    if method == "tmpfs":
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={plan['size_kb']}k", "tmpfs", str(folder)],
            check=True,
        )
    for source, name in plan.get("copy", {}).items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    for sub in plan.get("make_dirs", []):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    limit = None
    if method == "tmpfs":
        fill(folder, plan.get("room", 0))
    elif method == "rlimit":
        # No file may grow past the room left (16 kB when the disk is "full"): the
        # database's WAL, a backup or a report then fails as on a full disk.
        limit = plan.get("room", 0) or 16384
    elif method == "ro-bind":
        subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
    elif method == "chmod":
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)

    def confine() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    database = folder / plan["database"]
    results = []
    for step in plan["steps"]:
        # A step is its arguments, or {"argv": […], "stdout": file} for `> file`.
        argv = step["argv"] if isinstance(step, dict) else step
        redirect = open(step["stdout"], "w") if isinstance(step, dict) else None  # noqa: SIM115
        before = digest(database)
        done = subprocess.run(
            [sys.executable, "-m", "chapterdesk", *argv],
            stdout=redirect or subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **plan.get("env", {})},
            timeout=300,
            preexec_fn=confine,  # only sets a resource limit (no threads in this process)
        )
        if redirect is not None:
            redirect.close()
        results.append(
            {
                "argv": argv,
                "status": done.returncode,
                "stdout": done.stdout,
                "stderr": done.stderr,
                "unchanged": digest(database) == before,
            }
        )
    Path(plan["results"]).write_text(json.dumps(results), encoding="utf-8")


if __name__ == "__main__":
    main()
