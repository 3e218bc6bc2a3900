"""Bounded-exhaustive symbolic proofs of the greedy's claims with Z3 (docs/proof.md).

Modules, one concept each:

``shapes``       every rooted tree shape with n nodes, once (Beyer-Hedetniemi)
``tree_run``     the greedy's loop on one shape unrolled for Z3 (frontier, paper GetTop)
``pair_run``     Algorithm 1 on two requests (SLO phase, throughput phase)
``claims_tree``  APP-B, LEM-C1, LEM-C2 and the run lemmas as negations
``claims_pair``  THM-P1, THM-P2 as negations
``smt``          one query: unsat = proved, sat = counterexample, unknown
``tasks``        all claims on one shape or pair (the unit a worker runs)
``run``          processes, progress, rows
``concrete``     counterexample -> instance file -> replay on the real code
``replay``       the concrete algorithm the symbolic ``paper`` greedy stands for
``findings``     confirmed counterexample -> report directory (verify.report.finding)
``report``       table and JSON
"""
