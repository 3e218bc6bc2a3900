"""The published name of the paper-literal greedy:
``proofs.replay:algorithm1_all_unselected``.

Reports of ``python -m proofs`` name their solver by it (report.json,
``python -m verify replay``); the code is :mod:`proofs.bounded.replay`.
"""

from proofs.bounded.replay import algorithm1_all_unselected

__all__ = ["algorithm1_all_unselected"]
