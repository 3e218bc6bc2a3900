"""The proven greedy, run from Python: ``python -m proofs coq-greedy``.

``proofs/coq`` holds a Coq development (docs/proof.md, part 6) whose
Statement.v defines the reference greedy, its certificate and the checker of
verify/checks/certificate.py, and whose Theorems.v proves the paper's claims about
them for every size.  Extract.v extracts the greedy and the checker to OCaml;
driver.ml (a thin, unverified token reader/writer) makes them an executable,
``proofs/coq/coq_greedy``.  This module is the other half of the bridge:

* it validates input with :mod:`solver.parse` (the project's parser: the
  Coq model starts from path probabilities f, so a ``cond`` input reaches Coq
  as the f that solver/parse.py computes) and writes the driver's token
  format (integers in binary, rationals as ``num/den``: exact at any size);
* it reads the driver's answer back and renders the selection JSON of
  docs/format.md with the certificate of docs/certificates.md.  The fields
  the checker reads (counts, quotas, quota_witness, lambda; min_counts,
  best_with_one_less) and the objective come from Coq; the informational
  ones (node_budget, budget_spent, all_nodes_selected, sum_min_counts, the
  "mass" witness, the INVALID reason's wording) are filled in here, as
  solver/reference.py fills them in.

Both directions are part of the trusted base of the differential test
(tests/test_coq.py), together with the driver.

``python -m proofs coq-greedy`` reads one instance JSON on stdin and prints
its selection JSON on stdout, the contract of ``test-solver --cmd``; with
``--jsonl`` it reads one instance per line and answers one selection per line
(one process for many instances).  Bad input: one line on stderr, exit 2.
A missing or stale executable is built with ``make -C proofs/coq``; without
``coqc`` the command fails with one line naming the packages to install.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import threading
from fractions import Fraction
from pathlib import Path
from typing import Any, Iterable, Sequence

from solver.errors import CoqUnavailable, InputError
from solver.exit_codes import ExitCode
from solver.numbers import NotANumber, fraction_str, to_fraction
from solver.parse import loads_instance
from solver.reference import invalid_reason

COQ_DIR = Path(__file__).resolve().parent.parent / "coq"
BINARY = COQ_DIR / "coq_greedy"
INSTALL_HINT = "apt-get install coq libcoq-mathcomp-ssreflect ocaml"
SOURCES = ("_CoqProject", "Makefile", "driver.ml")

_build_lock = threading.Lock()


# ------------------------------------------------------------------ building


def _source_files() -> list[Path]:
    return [COQ_DIR / name for name in SOURCES] + sorted(COQ_DIR.glob("*.v"))


def is_up_to_date() -> bool:
    """The executable exists and is newer than every source it is built from."""
    if not BINARY.exists():
        return False
    built = BINARY.stat().st_mtime
    return all(p.stat().st_mtime <= built for p in _source_files())


def build(force: bool = False) -> float:
    """``make -C proofs/coq`` unless up to date; returns the seconds it took (0 if
    nothing to do)."""
    import fcntl
    import time

    with _build_lock:
        if not force and is_up_to_date():
            return 0.0
        missing = [
            tool
            for tool in ("coqc", "coq_makefile", "ocamlopt")
            if shutil.which(tool) is None
        ]
        if missing:
            raise CoqUnavailable(
                f"{', '.join(missing)} not found; install with: {INSTALL_HINT}"
            )
        t0 = time.perf_counter()
        with open(
            COQ_DIR / ".build.lock", "w"
        ) as lock:  # one make at a time (test-solver runs us in parallel)
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not force and is_up_to_date():
                return 0.0
            proc = subprocess.run(
                ["make", "-C", str(COQ_DIR)], capture_output=True, text=True
            )
        if proc.returncode != 0:
            tail = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[-1:] or [
                "(no output)"
            ]
            raise CoqUnavailable(f"make -C {COQ_DIR} failed: {tail[0]}")
        return time.perf_counter() - t0


# ------------------------------------------------------------------ the token format


def enc_z(n: int) -> str:
    return "0" if n == 0 else ("-" if n < 0 else "") + format(abs(n), "b")


def enc_q(x: Fraction) -> str:
    x = Fraction(x)
    return f"{enc_z(x.numerator)}/{format(x.denominator, 'b')}"


def dec_z(tok: str) -> int:
    return -int(tok[1:], 2) if tok.startswith("-") else int(tok, 2)


def dec_q(tok: str) -> Fraction:
    num, den = tok.split("/")
    return Fraction(dec_z(num), int(den, 2))


def enc_instance(instance) -> str:
    """``I <budget> <root_charged> <n> {<target> <k> <parent>*k <f>*k}*n``."""
    out = [
        "I",
        enc_z(instance.budget),
        "1" if instance.root_charged else "0",
        str(len(instance.requests)),
    ]
    for req in instance.requests:
        tree = req.tree
        out += [enc_q(req.target), str(len(tree))]
        out += [enc_z(p) for p in tree.parent]
        out += [enc_q(x) for x in tree.f]
    return " ".join(out)


def _enc_list(items: Sequence[str]) -> list[str]:
    return [str(len(items)), *items]


class _Tokens:
    def __init__(self, line: str):
        self.toks = line.split()
        self.pos = 0

    def next(self) -> str:
        tok = self.toks[self.pos]
        self.pos += 1
        return tok

    def expect(self, word: str) -> None:
        tok = self.next()
        if tok != word:
            raise ValueError(f"expected {word}, got {tok!r}")

    def list(self, item) -> list:
        return [item() for _ in range(int(self.next()))]

    def nat(self) -> int:
        return int(self.next())

    def q(self) -> Fraction:
        return dec_q(self.next())

    def opt(self, item):
        if self.toks[self.pos] == "-":
            self.pos += 1
            return None
        return item()


# ------------------------------------------------------------------ running the
# executable


def run_lines(lines: Sequence[str], timeout: float | None = None) -> list[str]:
    """Send commands to the executable, one per line; its answer lines, in order."""
    if not lines:
        return []
    build()
    proc = subprocess.run(
        [str(BINARY)],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    out = proc.stdout.splitlines()
    if proc.returncode != 0 or len(out) != len(lines):
        raise RuntimeError(
            f"{BINARY.name} exited {proc.returncode} after {len(out)} of {len(lines)}"
            f" answers: {proc.stderr.strip()[:200]}"
        )
    for line in out:
        if line.startswith("ERROR"):
            raise RuntimeError(f"{BINARY.name}: {line}")
    return out


def _selection_json(instance, line: str) -> dict:
    """Render one ``G`` answer as the selection JSON of docs/format.md."""
    t = _Tokens(line)
    ids = [r.id for r in instance.requests]
    status = t.next()
    if status == "OK":
        sets = t.list(lambda: t.list(t.nat))
        t.expect("OBJ")
        objective = t.q()
        t.expect("OPT")
        counts, quotas = t.list(t.nat), t.list(t.nat)
        qwit = t.list(lambda: t.opt(t.q))
        lam = t.q()
        selected = {rid: sorted(s) for rid, s in zip(ids, sets)}
        out: dict[str, Any] = {
            "status": "OK",
            "selected": selected,
            "objective": fraction_str(objective),
        }
        if instance.is_monotone():  # solver/reference.py certifies monotone inputs only
            left = any(
                v not in set(s)
                for req, s in zip(instance.requests, sets)
                for v in req.tree.non_root
            )
            out["certificate"] = {
                "kind": "optimal",
                "node_budget": instance.node_budget,
                "counts": dict(zip(ids, counts)),
                "quotas": dict(zip(ids, quotas)),
                "quota_witness": {
                    rid: fraction_str(w) for rid, w in zip(ids, qwit) if w is not None
                },
                "lambda": fraction_str(lam),
                "budget_spent": sum(counts) == instance.node_budget,
                "all_nodes_selected": not left,
            }
        return out
    if status == "INVALID":
        t.expect("INV")
        min_counts = t.list(lambda: t.opt(t.nat))
        wit = t.list(lambda: t.opt(t.q))
        t.expect("MASS")
        masses = t.list(t.q)
        witness: dict[str, dict] = {}
        for rid, k, w, m in zip(ids, min_counts, wit, masses):
            if k is None:
                witness[rid] = {"mass": fraction_str(m)}
            elif w is not None:
                witness[rid] = {"best_with_one_less": fraction_str(w)}
        return {
            "status": "INVALID",
            "reason": invalid_reason(
                instance, min_counts
            ),  # the reference's wording; no checker reads it
            "certificate": {
                "kind": "invalid",
                "node_budget": instance.node_budget,
                "min_counts": {
                    rid: "unreachable" if k is None else k
                    for rid, k in zip(ids, min_counts)
                },
                "witness": witness,
                "sum_min_counts": sum(k for k in min_counts if k is not None),
            },
        }
    raise RuntimeError(f"unexpected answer from {BINARY.name}: {line[:80]!r}")


def solve_many(instances: Sequence, timeout: float | None = None) -> list[dict]:
    """The Coq greedy's selection JSON for each instance (one process for all)."""
    lines = run_lines(
        ["G " + enc_instance(inst) for inst in instances], timeout=timeout
    )
    return [_selection_json(inst, line) for inst, line in zip(instances, lines)]


def solve(instance) -> dict:
    return solve_many([instance])[0]


# ------------------------------------------------------------------ the checker


class _Reject(Exception):
    """What the Coq model cannot express (unknown ids, negative indices, malformed
    certificate fields): rejected here, as verify/checks/certificate.py rejects it."""


def _count(x: Any) -> int:
    if isinstance(x, bool) or not isinstance(x, int) or x < 0:
        raise _Reject(f"{x!r} is not a count")
    return x


def _witness(claimed: Any, count: int | None) -> str:
    # verify/checks/certificate.py reads a witness only for a count > 0
    if claimed is None or not count:
        return "-"
    try:
        return enc_q(to_fraction(claimed))
    except NotANumber as exc:
        raise _Reject(str(exc)) from None


def _enc_certificate(instance, status: object, cert: Any) -> str:
    ids = [r.id for r in instance.requests]
    if not isinstance(cert, dict):
        return "NONE"
    try:
        if cert.get("kind") == "invalid" and status == "INVALID":
            mc, wit = cert["min_counts"], cert.get("witness", {})
            if (
                not isinstance(mc, dict)
                or set(mc) != set(ids)
                or not isinstance(wit, dict)
            ):
                return "NONE"
            ks, ws = [], []
            for rid in ids:
                k = None if mc[rid] == "unreachable" else _count(mc[rid])
                w = wit.get(rid, {})
                ks.append("-" if k is None else str(k))
                ws.append(
                    _witness(
                        w.get("best_with_one_less") if isinstance(w, dict) else None, k
                    )
                )
            return " ".join(["INV", *_enc_list(ks), *_enc_list(ws)])
        if cert.get("kind") == "optimal" and status == "OK":
            lam = to_fraction(cert["lambda"])
            counts, quotas, qwit = (
                cert["counts"],
                cert["quotas"],
                cert.get("quota_witness", {}),
            )
            cs = [str(_count(counts[rid])) for rid in ids]
            qs = [_count(quotas[rid]) for rid in ids]
            ws = [_witness(qwit.get(rid), q) for rid, q in zip(ids, qs)]
            return " ".join(
                [
                    "OPT",
                    *_enc_list(cs),
                    *_enc_list([str(q) for q in qs]),
                    *_enc_list(ws),
                    enc_q(lam),
                ]
            )
    except (KeyError, TypeError, AttributeError, NotANumber, _Reject):
        return "NONE"
    return "NONE"


def check_line(instance, selection: dict) -> str | None:
    """The driver's ``K`` command for (instance, selection JSON), or None if rejected
    before Coq."""
    status = selection.get("status")
    cert = _enc_certificate(instance, status, selection.get("certificate"))
    if status == "INVALID":
        return " ".join(["K", enc_instance(instance), "INVALID", "-", cert])
    if status != "OK":
        return None
    selected = selection.get("selected")
    ids = [r.id for r in instance.requests]
    if not isinstance(selected, dict) or set(selected) != set(ids):
        return None  # a missing or unknown request: the "format" rule
    sets = []
    for rid in ids:
        nodes = selected[rid]
        if not isinstance(nodes, list) or any(
            isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in nodes
        ):
            return None
        sets.append(_enc_list([str(v) for v in nodes]))
    obj = selection.get("objective")
    try:
        obj_tok = "-" if obj is None else enc_q(to_fraction(obj))
    except NotANumber:
        return None
    return " ".join(
        [
            "K",
            enc_instance(instance),
            "OK",
            *_enc_list([" ".join(s) for s in sets]),
            obj_tok,
            cert,
        ]
    )


def check_many(pairs: Iterable[tuple[Any, dict]]) -> list[bool]:
    """The extracted checker's verdict (True: accepted) on each (instance, selection
    JSON)."""
    pairs = list(pairs)
    lines = [check_line(inst, sel) for inst, sel in pairs]
    answers = iter(run_lines([line for line in lines if line is not None]))
    return [False if line is None else next(answers) == "ACCEPT" for line in lines]


# ------------------------------------------------------------------ the theorems'
# assumptions

#: the theorems of Theorems.v / Defects.v, by the claim (SPEC section 2 / 3) they prove
CLAIM_THEOREMS = {
    "APP-B": ("app_b_rooted", "paper_app_b_rooted", "paper_choices_exist"),
    "LEM-C1": ("lem_c1_minimal",),
    "LEM-C2": ("lem_c2_topk",),
    "THM-P1": (
        "thm_p1_invalid_sound",
        "paper_thm_p1_invalid_sound",
        "certificate_sound",
        "greedy_certified",
    ),
    "THM-P2": (
        "thm_p2_optimal",
        "paper_thm_p2_optimal",
        "certificate_sound",
        "greedy_certified",
    ),
    "THM-3.1": ("thm_3_1_expected_acceptance",),
    "THM-4.1": (
        "thm_4_1_counterexample",
        "thm_4_1_as_printed_is_false",
        "thm_4_1_corrected",
    ),
}
#: claims that only Coq proves (the bounded Z3 proofs do not model them)
COQ_ONLY = ("THM-3.1", "THM-4.1")
DEFECT_THEOREMS = {
    "§3.1 (while B >= 0)": ("printed_loop_overspends", "printed_alg1_both"),
    "§3.3 (GetTop over all unselected nodes)": (
        "printed_get_top_orphans",
        "printed_alg1_both",
        "paper_greedy_orphans_with_ties",
    ),
}
CLOSED = "Closed under the global context"


def assumptions(timeout: float = 300) -> dict[str, dict]:
    """Compile Assumptions.v (in a scratch directory, against the built library) and
    read, per theorem, the Statement.v Prop it proves and what it depends on."""
    import tempfile

    build()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "Assumptions.v"
        shutil.copy(COQ_DIR / "Assumptions.v", src)
        proc = subprocess.run(
            ["coqc", "-q", "-Q", str(COQ_DIR), "AdaServe", str(src)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    if proc.returncode != 0:
        raise CoqUnavailable(f"coqc Assumptions.v failed: {proc.stderr.strip()[:200]}")
    names = [
        ln.split()[2].rstrip(".")
        for ln in (COQ_DIR / "Assumptions.v").read_text().splitlines()
        if ln.startswith("Print Assumptions ")
    ]
    lines = proc.stdout.splitlines()
    starts = [
        i
        for i, ln in enumerate(lines)
        if ln.strip() in names and not ln.startswith(" ")
    ]
    out: dict[str, dict] = {}
    for k, i in enumerate(starts):
        block = lines[i + 1 : starts[k + 1] if k + 1 < len(starts) else len(lines)]
        prop = block[0].strip().lstrip(":").strip() if block else ""
        out[lines[i].strip()] = {
            "prop": prop,
            "closed": any(ln.strip() == CLOSED for ln in block),
            "text": "\n".join(block),
        }
    return out


def coq_report(claims: Sequence[str], out=sys.stdout) -> int:
    """``python -m proofs --coq``: build the proofs, print each claim's Coq theorems and
    their assumptions; exit 0 iff every one is closed under the global context."""
    import time

    t0 = time.perf_counter()
    try:
        seconds = build()
        found = assumptions()
    except CoqUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    rows = [(c, name) for c in claims for name in CLAIM_THEOREMS.get(c, ())]
    # all claims: also the Coq-only ones
    if set(claims) >= set(CLAIM_THEOREMS) - set(COQ_ONLY):
        rows += [(c, name) for c in COQ_ONLY for name in CLAIM_THEOREMS.get(c, ())]
        rows += [(d, name) for d, names in DEFECT_THEOREMS.items() for name in names]
    print(
        f"Coq {'built in %.0f s' % seconds if seconds else 'build up to date'}"
        " (proofs/coq); every size: the statements are Props of Statement.v",
        file=out,
    )
    ok = True
    for claim, name in rows:
        info = found.get(name)
        closed = bool(info and info["closed"])
        ok &= closed
        what = (
            f"{name} : {info['prop'].split()[0] if info['prop'] else '?'}"
            if info
            else f"{name}: not found"
        )
        if claim.startswith("§") and info:
            what = f"{name} ({'Paper.v' if name.startswith('paper_') else 'Defects.v'})"
        verdict = (
            "machine-checked for every size, closed under the global context"
            if closed
            else "NOT CLOSED"
        )
        if claim.startswith("§"):
            verdict = (
                "machine-checked on concrete instances" if closed else "NOT CLOSED"
            )
        elif name.endswith(("_counterexample", "_is_false")) and closed:
            verdict = "machine-checked: the claim as printed is FALSE"
        print(f"{claim:<42} {what:<48} {verdict}", file=out)
    print(
        f"{'all closed' if ok else 'some theorem is not closed'};"
        f" {time.perf_counter() - t0:.1f} s",
        file=out,
    )
    return ExitCode.OK if ok else ExitCode.FOUND


# ------------------------------------------------------------------ command line


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m proofs coq-greedy",
        description=(
            "The Coq-proven greedy (extracted to OCaml): instance JSON on stdin, "
            "selection JSON on stdout."
        ),
    )
    p.add_argument(
        "--jsonl",
        action="store_true",
        help="one instance per line in, one selection per line out",
    )
    p.add_argument(
        "--allow-nonmonotone",
        action="store_true",
        help="accept f(child) > f(parent) (the answer then carries no certificate)",
    )
    p.add_argument("--build", action="store_true", help="(re)build proofs/coq and exit")
    return p


def _serve_lines(allow_nonmonotone: bool) -> int:
    """``--jsonl``: one executable for the whole stream, each answer written as soon as
    its line is read.

    This is the protocol of ``test-solver --cmd ... --jsonl``: one instance JSON per
    line in, one selection JSON per line out, in order.  A bad line ends the stream (one
    line on stderr, exit 2), as a bad instance ends a one-instance call.
    """
    build()
    proc = subprocess.Popen(
        [str(BINARY)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    assert proc.stdin is not None and proc.stdout is not None, "both are pipes"
    try:
        for number, text in enumerate(sys.stdin, 1):
            if not text.strip():
                continue
            instance = loads_instance(
                text,
                source=f"<stdin line {number}>",
                allow_nonmonotone=allow_nonmonotone,
            )
            proc.stdin.write("G " + enc_instance(instance) + "\n")
            proc.stdin.flush()
            answer = proc.stdout.readline()
            if not answer or answer.startswith("ERROR"):
                raise RuntimeError(
                    f"{BINARY.name} answered {answer.strip()[:200]!r} on line {number}"
                )
            print(
                json.dumps(
                    _selection_json(instance, answer.rstrip("\n")),
                    separators=(", ", ": "),
                ),
                flush=True,
            )
        return ExitCode.OK
    finally:
        proc.stdin.close()
        proc.kill()
        proc.wait()


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.build:
            seconds = build(force=True)
            print(f"built {BINARY} in {seconds:.1f} s", file=sys.stderr)
            return ExitCode.OK
        if args.jsonl:
            return _serve_lines(args.allow_nonmonotone)
        text = sys.stdin.read()
        instance = loads_instance(
            text, source="<stdin>", allow_nonmonotone=args.allow_nonmonotone
        )
        print(json.dumps(solve(instance), separators=(", ", ": ")))
        return ExitCode.OK
    except InputError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    except CoqUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        print(f"error: coq-greedy: {exc}", file=sys.stderr)
        return ExitCode.FOUND


if __name__ == "__main__":
    sys.exit(main())
