(** * Extraction of the greedy and the checker to OCaml

    Only [ExtrOcamlBasic] is used: Coq's bool, option, list and pairs become
    OCaml's.  Numbers stay as Coq defines them (nat unary, Z and positive
    binary, Q a pair of them): exact, with no mapping to machine integers to
    trust.  driver.ml reads and writes them. *)

From Coq Require Extraction ExtrOcamlBasic.
From AdaServe Require Import Statement.

(* written to extracted/ (the Makefile creates it) *)
Extraction "extracted/adaserve.ml" greedy greedy_certificate check answer_objective objective
  node_budget mass.
