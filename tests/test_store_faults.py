"""The task store against hostile directories and entries (issue 22 items 9, 10, 19,
21).

Against what: a store that cannot hold results is refused before the run (exit 2, one
line naming the directory), as the operating system reports it (a real read-only place);
an entry changed by one flipped bit is either read back exactly as written or run again,
compared with the value put; two processes creating one store at once both get it.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import stat
from fractions import Fraction

import pytest

from solver.errors import InputError
from verify.commands import cli
from verify.run.seam import Task
from verify.run.store import Store

FP = "ab" * 32
SUITE = ["--profile", "smoke", "--claims", "APP-B", "--store"]


def _one_line_exit_2(capsys, args, *needles):
    code = cli.main(args)
    out, err = capsys.readouterr()
    assert (
        code == 2
        and out == ""
        and len(err.strip().splitlines()) == 1
        and "Traceback" not in err
    ), err
    for needle in needles:
        assert needle in err, err
    return err


# ------------------------------------------------------------------ item 9: nowhere to
# write


def _readonly_empty_dir():
    """An existing empty directory not even root may write into (sysfs), or None."""
    for d in (
        "/sys/kernel/security",
        "/sys/kernel/debug",
        "/sys/kernel/tracing",
        "/sys/fs/bpf",
    ):
        try:
            if os.path.isdir(d) and not os.listdir(d):
                os.close(
                    os.open(
                        os.path.join(d, ".adaserve-probe"),
                        os.O_CREAT | os.O_WRONLY,
                        0o600,
                    )
                )
        except OSError:
            return d
    return None


def test_a_store_under_an_unwritable_parent_is_refused_before_the_run(capsys):
    err = _one_line_exit_2(
        capsys,
        SUITE + ["/sys/adaserve-verify-store"],
        "/sys/adaserve-verify-store",
        "cannot create the store",
    )
    assert "running" not in err


def test_a_read_only_store_location_is_refused_before_the_run(capsys):
    d = _readonly_empty_dir()
    if d is None:
        pytest.skip("no empty read-only directory under /sys on this machine")
    _one_line_exit_2(capsys, SUITE + [d], d, "cannot write")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a mode 555 directory")
def test_a_store_made_read_only_after_it_was_made_is_refused(tmp_path, capsys):
    d = tmp_path / "s"
    Store(str(d))
    for p in (d, *d.iterdir()):
        p.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        _one_line_exit_2(capsys, SUITE + [str(d)], str(d), "cannot write")
    finally:
        for p in (d, *d.iterdir()):
            p.chmod(stat.S_IRWXU)


# ------------------------------------------------------------------ item 19: the folder
# is a file


def test_a_fingerprint_folder_taken_by_a_file_is_one_clear_line(tmp_path, capsys):
    d = tmp_path / "s"
    Store(str(d), fingerprint=FP)
    os.rmdir(d / FP[:16])
    (d / FP[:16]).write_text("not a folder")
    with pytest.raises(InputError, match="is not a directory"):
        Store(str(d), fingerprint=FP)
    mine = Store(
        str(d)
    ).mine  # this code's folder, taken by a file: the command says so
    os.rmdir(mine)
    with open(mine, "w") as fh:
        fh.write("x")
    _one_line_exit_2(capsys, SUITE + [str(d)], mine, "not a directory")


# ------------------------------------------------------------------ item 10: one
# flipped bit

RESULT = {
    "verdict": "verified",
    "cases": 12345,
    "value": Fraction(1, 3),
    "names": ["RULE-BUDGET", "THM-P1"],
}


def test_an_entry_with_one_flipped_bit_is_read_back_exactly_or_run_again(tmp_path):
    task = Task(abs, -3, "abs -3", {"x": -3})
    Store(str(tmp_path), fingerprint=FP).put(task, RESULT)
    (path,) = (tmp_path / FP[:16]).glob("*.json")
    good = path.read_bytes()
    rng = random.Random(22)
    wrong = []
    for bit in rng.sample(range(8 * len(good)), 1500):
        data = bytearray(good)
        data[bit // 8] ^= 1 << (bit % 8)
        path.write_bytes(bytes(data))
        try:
            found, value = Store(str(tmp_path), fingerprint=FP).get(task)
        except BaseException as exc:  # noqa: BLE001 - any exception is the defect
            wrong.append((bit, f"{type(exc).__name__}: {exc}"[:80]))
            continue
        if found and (type(value) is not dict or value != RESULT):
            wrong.append((bit, f"read back {value!r}"[:80]))
    assert wrong == []
    path.write_bytes(good)
    assert Store(str(tmp_path), fingerprint=FP).get(task) == (True, RESULT)


def test_an_entry_of_another_task_copied_in_its_place_is_not_used(tmp_path):
    a, b = Task(abs, -3, "abs -3", {"x": -3}), Task(abs, -4, "abs -4", {"x": -4})
    store = Store(str(tmp_path), fingerprint=FP)
    store.put(a, 3)
    store.put(b, 4)
    pa, pb = store._path(a), store._path(b)
    with open(pb, "rb") as src, open(pa, "wb") as dst:
        dst.write(src.read())
    assert store.get(a) == (False, None)


# ------------------------------------------------------------------ item 21: two
# creators at once


def _open(directory, barrier, results):
    barrier.wait()
    try:
        Store(directory, fingerprint=FP)
        results.put("ok")
    except Exception as exc:  # noqa: BLE001 - the refusal is what the test counts
        results.put(f"{type(exc).__name__}: {exc}")


def test_two_processes_creating_one_store_at_once_both_get_it(tmp_path):
    ctx = multiprocessing.get_context("fork")
    outcomes = []
    for i in range(40):
        barrier, results = ctx.Barrier(2), ctx.Queue()
        procs = [
            ctx.Process(target=_open, args=(str(tmp_path / f"s{i}"), barrier, results))
            for _ in range(2)
        ]
        for p in procs:
            p.start()
        for p in procs:
            p.join(30)
        outcomes += [results.get(timeout=5) for _ in procs]
    assert [o for o in outcomes if o != "ok"] == []
