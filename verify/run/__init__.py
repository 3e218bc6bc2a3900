"""Where work runs: the executor seam, the local process pool, Dask, the task store.

Terminology (used by every module of this layer and by its callers):

task
    One unit of work: a module-level function and one picklable argument
    (:class:`verify.run.executor.Task`), with a name (``what``) and its inputs in
    JSON (``inputs``) for the store and for messages.  A suite check, one property
    of ``test-solver`` for one seed, one shape (or pair of shapes) of the proofs.
executor
    Something that maps a task function over tasks and hands each result back:
    in-process (``--jobs 1``), local processes (``--jobs J``), Dask
    (``--dask ADDRESS`` or ``--dask local:N``).  Results are returned in task
    order, never in the order they finish.
worker
    A process that runs tasks one at a time (a local pool process, a Dask worker).
store
    A directory (``--store DIR``) holding every finished task with what it was,
    its inputs, its result and the code fingerprint; a rerun reuses them.
fingerprint
    sha256 of the code (every ``.py`` file of ``solver/``, ``verify/``,
    ``proofs/`` and ``pyproject.toml``), plus the library versions that decide
    results (Hypothesis, Z3): a store made by other code is not reused.

Modules: ``fingerprint`` (code and subject fingerprints), ``imports`` (the same
imported modules in every worker, so Hypothesis draws the same cases),
``pool`` (local worker processes), ``executor`` (the seam and :func:`run_tasks`),
``dask_executor`` (Dask; optional extra ``pip install -e ".[dask]"``),
``store`` (resuming).  See docs/distributed.md.
"""
