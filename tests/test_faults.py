"""Faults around a run: signals at every phase of writing, a writer killed outright, two writers
at once, a full disk and a missing locale. Each leaves either the old files or the new ones, whole,
no copy of an exam beside them or in $TMPDIR, and a message that says which."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_hostile import one_error_line, snapshot, write_csv

ROOT = Path(__file__).resolve().parent.parent
SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"]


@pytest.fixture
def env(tmp_path):
    """A private $TMPDIR, so that what TeX runs leave there can be listed."""
    tmp = tmp_path / "tmpdir"
    tmp.mkdir()
    return {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)}


def run(args, cwd, env, timeout=600):
    return subprocess.run([sys.executable, "-m", "worksheet", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


def leftovers(folder: Path, env: dict) -> list[str]:
    """Temporary entries of a write beside the output, and TeX folders in $TMPDIR."""
    beside = [p.name for p in folder.iterdir() if p.name.startswith(".")]
    tex = [p.name for p in Path(env["TMPDIR"]).iterdir() if p.name.startswith("worksheet-tex-")]
    return beside + tex


def exam_args(seed: int, n: int = 6, formats: str = "md", out: str = "exam") -> list[str]:
    return ["exam", "--variants", str(n), "--seed", str(seed), "--format", formats, "--out", out, "--force",
            "--quiet"]


def complete(folder: Path, seed: int) -> bool:
    """The folder holds the exam of `seed` with every file its manifest lists."""
    data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return data["seed"] == seed and all((folder / rel).is_file() for rel in data["files"])


# A run of the command line in which one phase of write_folder sends the process a signal: while
# files are staged (chmod after each), at the swap's first rename, or while the old folder is removed.
_INJECT = """
import os, shutil, signal, sys
phase, name = sys.argv[1], sys.argv[2]
sig = getattr(signal, name)
fire = {"count": 0}
def once():
    fire["count"] += 1
    if fire["count"] == 1:
        os.kill(os.getpid(), sig)
real_chmod, real_replace, real_rmtree = os.chmod, os.replace, shutil.rmtree
def chmod(path, mode, *a, **k):
    real_chmod(path, mode, *a, **k)
    if phase == "stage" and ".tmp" in str(path) and str(path).endswith(".md"):
        once()
def replace(src, dst, *a, **k):
    real_replace(src, dst, *a, **k)
    if phase == "swap" and str(dst).endswith("folder"):
        once()
def rmtree(path, *a, **k):
    if phase == "cleanup" and str(path).endswith(".old"):
        once()
    real_rmtree(path, *a, **k)
os.chmod, os.replace, shutil.rmtree = chmod, replace, rmtree
sys.argv = ["worksheet", *sys.argv[3:]]
from worksheet.cli import main
main()
"""


@pytest.mark.slow
@pytest.mark.parametrize("phase", ["stage", "swap", "cleanup"])
@pytest.mark.parametrize("name", SIGNALS)
def test_a_signal_at_each_phase_of_the_write_leaves_one_whole_exam(phase, name, tmp_path, env):
    assert run(exam_args(1), tmp_path, env).returncode == 0
    before = snapshot(tmp_path / "exam")
    result = subprocess.run([sys.executable, "-c", _INJECT, phase, name, *exam_args(2)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 128 + getattr(signal, name), result.stderr
    assert "Traceback" not in result.stderr
    message = result.stderr.strip().splitlines()[-1]
    if phase == "stage":  # before the swap: the old exam, untouched
        assert message == "worksheet: interrupted; no partial files were left"
        assert snapshot(tmp_path / "exam") == before
    else:  # the swap and the removal of the old folder finish first: the new exam, and said so
        assert message == "worksheet: interrupted after writing exam, which is complete"
        assert complete(tmp_path / "exam", 2)
    assert leftovers(tmp_path, env) == []


def wait_for_handlers(pid: int, timeout: float = 120) -> None:
    """Until the process catches SIGTERM, which worksheet's first lines arrange: a signal before
    that lands in the interpreter's own start-up, which no program can handle. (Linux's /proc
    tells; elsewhere there is nothing to wait for.)"""
    import re

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return
        caught = re.search(r"SigCgt:\s*([0-9a-fA-F]+)", status)
        if caught is None or re.search(r"State:\s*Z", status) or int(caught.group(1), 16) & (1 << (signal.SIGTERM - 1)):
            return
        time.sleep(0.01)


@pytest.mark.slow
@pytest.mark.parametrize("name", SIGNALS)
@pytest.mark.parametrize("delay", [0.5, 1.5, 3.0])
def test_a_signal_at_any_moment_of_an_exam_leaves_the_old_or_the_new_exam(name, delay, tmp_path, env):
    assert run(exam_args(1, 40), tmp_path, env).returncode == 0
    before = snapshot(tmp_path / "exam")
    proc = subprocess.Popen([sys.executable, "-m", "worksheet", *exam_args(2, 40)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_handlers(proc.pid)
    time.sleep(delay)
    proc.send_signal(getattr(signal, name))
    _, err = proc.communicate(timeout=600)
    assert "Traceback" not in err
    if proc.returncode == 0:  # finished before the signal
        assert complete(tmp_path / "exam", 2)
    else:
        assert proc.returncode == 128 + getattr(signal, name), err
        message = err.strip().splitlines()[-1]
        if "no partial files" in message:
            assert snapshot(tmp_path / "exam") == before
        else:
            assert message == "worksheet: interrupted after writing exam, which is complete"
            assert complete(tmp_path / "exam", 2)
    assert leftovers(tmp_path, env) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_while_typesetting_leaves_no_tex_folder(name, tmp_path, env):
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    proc = subprocess.Popen([sys.executable, "-m", "worksheet", *exam_args(1, 4, "pdf")], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 300
    while not any(Path(env["TMPDIR"]).glob("worksheet-tex-*")) and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(getattr(signal, name))
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 128 + getattr(signal, name), err
    assert err.strip().splitlines()[-1] == "worksheet: interrupted; no partial files were left"
    assert not (tmp_path / "exam").exists()
    assert leftovers(tmp_path, env) == []


_KILL = """
import os, signal, sys
phase = sys.argv[1]
real_replace, real_chmod = os.replace, os.chmod
def replace(src, dst, *a, **k):
    real_replace(src, dst, *a, **k)
    if phase == "swap" and str(dst).endswith("folder"):
        os.kill(os.getpid(), signal.SIGKILL)
def chmod(path, mode, *a, **k):
    real_chmod(path, mode, *a, **k)
    if phase == "stage" and ".tmp" in str(path) and str(path).endswith(".md"):
        os.kill(os.getpid(), signal.SIGKILL)
os.replace, os.chmod = replace, chmod
sys.argv = ["worksheet", *sys.argv[2:]]
from worksheet.cli import main
main()
"""


@pytest.mark.slow
@pytest.mark.parametrize("phase", ["stage", "swap"])
def test_the_next_run_repairs_what_a_killed_writer_left(phase, tmp_path, env):
    assert run(exam_args(1), tmp_path, env).returncode == 0
    before = snapshot(tmp_path / "exam")
    killed = subprocess.run([sys.executable, "-c", _KILL, phase, *exam_args(2)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=600)
    assert killed.returncode == -signal.SIGKILL
    assert leftovers(tmp_path, env) != []  # what SIGKILL leaves: a staged or an old folder
    # The next run into the same folder puts the old exam back if the swap was cut in half, removes
    # the rest, and says so; then it is refused as any other exam with another seed.
    again = run(exam_args(3)[:-2] + ["--quiet"], tmp_path, env)
    assert again.returncode == 2
    notes = again.stderr.strip().splitlines()
    assert any("an interrupted run left" in line for line in notes), again.stderr
    assert "another seed" in notes[-1]
    assert snapshot(tmp_path / "exam") == before
    assert leftovers(tmp_path, env) == []


@pytest.mark.slow
def test_tex_folders_of_a_killed_run_go_with_the_next_run(tmp_path, env):
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    gone = subprocess.Popen(["true"])
    gone.wait()
    stale = Path(env["TMPDIR"]) / f"worksheet-tex-{gone.pid}-abcd1234"
    stale.mkdir()
    (stale / "key.tex").write_text("the key", encoding="utf-8")
    result = run(["generate", "--seed", "1", "--format", "pdf", "--out", "out"], tmp_path, env)
    assert result.returncode == 0, result.stderr
    assert "removed 1 temporary TeX folder(s)" in result.stderr
    assert leftovers(tmp_path, env) == []


@pytest.mark.slow
@pytest.mark.parametrize("seeds", [(1, 2), (5, 5), (None, None), (7, None)])
def test_two_exams_into_one_folder_at_once_never_lose_one_silently(seeds, tmp_path, env):
    procs = []
    for seed in seeds:
        args = ["exam", "--variants", "30", "--format", "md", "--out", "exam", "--quiet"]
        args += ["--seed", str(seed)] if seed is not None else []
        procs.append(subprocess.Popen([sys.executable, "-m", "worksheet", *args], cwd=tmp_path, env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    results = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in results)
    seed = json.loads((tmp_path / "exam" / "manifest.json").read_text(encoding="utf-8"))["seed"]
    if seeds[0] == seeds[1] and seeds[0] is not None:
        assert codes == [0, 0]  # the same exam twice
    else:
        assert codes == [0, 2]
        winner = next(n for n, (code, _) in enumerate(results) if code == 0)
        loser_err = results[1 - winner][1]
        assert "Traceback" not in loser_err
        assert loser_err.strip().splitlines()[-1].startswith("worksheet: error: exam holds an exam made with")
        if seeds[winner] is not None:
            assert seed == seeds[winner]
        # The seed each writer reported as recorded is the one in the folder.
        assert "recorded in exam/manifest.json" not in loser_err
    assert complete(tmp_path / "exam", seed)
    assert leftovers(tmp_path, env) == []


# ---------------------------------------------------------------- a full disk


@pytest.fixture
def small_disk(tmp_path):
    """A 96 KiB tmpfs: room for a few files, not for a whole set."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip("this system does not allow mounting a tmpfs")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


FULL_DISK = [
    ["generate", "--seed", "1", "--layers", "3-4-4-2", "--format", "md,json,tex", "--out", "out"],
    ["generate", "--seed", "2", "--format", "json,md", "--out", "out"],
    ["practice", "--seed", "1", "--problems", "6", "--format", "md,json,tex", "--out", "out"],
    ["exam", "--variants", "8", "--seed", "1", "--format", "md,json", "--out", "out"],
    ["reference", "--format", "md,json,tex", "--out", "out"],
]


@pytest.mark.slow
@pytest.mark.parametrize("args", FULL_DISK, ids=[a[0] + "-" + a[-3] for a in FULL_DISK])
def test_a_full_disk_leaves_no_part_of_a_set(args, small_disk, env):
    # Fill all but ~20 KiB, so the set cannot fit whatever its size.
    filler = small_disk / "filler"
    filler.write_bytes(b"x" * (76 * 1024))
    before = snapshot(small_disk)
    result = run(args, small_disk, env)
    assert result.returncode == 2, result.stderr
    line = one_error_line(result.stderr)
    assert "No space left on device" in line
    assert snapshot(small_disk) == before


@pytest.mark.slow
def test_a_full_disk_keeps_the_grades_of_before(small_disk, env):
    assert run(exam_args(1, 3, "md"), small_disk, env).returncode == 0
    write_csv(small_disk / "responses.csv", ["id", "question", "value"], [])
    assert run(["grade", "--exam", "exam", "--responses", "responses.csv"], small_disk, env).returncode == 0
    free = shutil.disk_usage(small_disk).free
    (small_disk / "filler").write_bytes(b"x" * max(0, free - 512))
    before = snapshot(small_disk)
    result = run(["grade", "--exam", "exam", "--responses", "responses.csv"], small_disk, env)
    if result.returncode == 0:  # the grades fit in what was left
        return
    one_error_line(result.stderr)
    assert snapshot(small_disk) == before


# ---------------------------------------------------------------- the locale


@pytest.mark.slow
@pytest.mark.parametrize("locale", ["de_DE.UTF-8", "xx_YY.nonsense", "C"])
def test_a_missing_locale_does_not_stop_lualatex(locale, tmp_path, env):
    from worksheet.publish.pdf import lualatex_missing

    if lualatex_missing() is not None:
        pytest.skip("lualatex and its fonts are not installed")
    write_csv(tmp_path / "roster.csv", ["id", "name"], [["1", "Αλέξανδρος Παπαδόπουλος"], ["2", "Ada"]])
    env = {**env, "LC_ALL": locale, "LANG": locale}
    result = run(["exam", "--roster", "roster.csv", "--seed", "1", "--format", "pdf", "--out", "exam", "--quiet"],
                 tmp_path, env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "exam" / "sheets" / "1.pdf").is_file()
