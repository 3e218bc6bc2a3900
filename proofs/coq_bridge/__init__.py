"""The bridge to the Coq development in ``proofs/coq/`` (docs/proof.md, part 6).

``coq_greedy``  builds the proofs, runs the greedy extracted from them on instance
                JSON (``python -m proofs coq-greedy``) and lists each claim's Coq
                theorems with their assumptions (``python -m proofs --coq``)
"""
