"""The proofs of the greedy's claims (docs/proof.md), in two parts that share no code:

``bounded``     bounded-exhaustive symbolic proofs with Z3: every tree shape up to a
                size, every real probability assignment (``python -m proofs``)
``coq_bridge``  the greedy proven in Coq for every size (the ``.v`` sources are in
                ``proofs/coq/``), extracted and run from Python
                (``python -m proofs coq-greedy``, ``python -m proofs --coq``)

``replay``      the published name ``proofs.replay:algorithm1_all_unselected`` of the
                paper-literal greedy in report.json files (:mod:`proofs.bounded.replay`)
"""
