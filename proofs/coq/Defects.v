(** * The printed pseudocode's defects, machine-checked on concrete instances

    [greedy_variant gt loop_ge] is the greedy of Statement.v with two knobs:
    [gt], the GetTop of one tree, and [loop_ge], the throughput loop's test
    ([false]: [while B > 0], [true]: the printed [while B >= 0]).  With the
    frontier GetTop and [B > 0] it *is* the reference greedy
    ([greedy_variant_reference]).  Changing one knob at a time:

    - [printed_loop_overspends]: [while B >= 0] takes one node more than the
      budget (SPEC section 3, item 1);
    - [printed_get_top_orphans]: a GetTop over all unselected nodes with
      index ties takes a child before its equal-valued parent: the selection
      is not rooted (SPEC section 3, item 3);
    - [printed_alg1_both]: with both, as printed, budget 0 already gives an
      orphan and a budget violation.

    On the same instances the reference greedy's answer is feasible. *)

From Coq Require Import ZArith QArith.
From mathcomp Require Import ssreflect ssrbool ssrfun eqtype ssrnat seq path.
From AdaServe Require Import Statement.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.
Local Close Scope Q_scope.

(** GetTop over all unselected nodes of one tree: largest f, then smaller
    index (solver/paper.py, [_Unselected]) *)
Definition index_before (r : request) (u v : nat) : bool :=
  qlt (f r v) (f r u) || qeq (f r u) (f r v) && (u < v).
Definition get_top_all (r : request) (S : seq nat) : option nat :=
  best (index_before r) [seq v <- iota 0 (nodes r) | v \notin S].

Section Variant.
Variable gt : request -> seq nat -> option nat.
Variable loop_ge : bool.

Fixpoint slo_loop_v (r : request) (fuel : nat) (S : seq nat) (acc : Q) : seq nat * Q :=
  if fuel is k.+1 then
    if qlt acc (target r) then
      if gt r S is Some v then slo_loop_v r k (rcons S v) (acc + f r v)%Q else (S, acc)
    else (S, acc)
  else (S, acc).

Definition slo_phase_v (r : request) := slo_loop_v r (nodes r) [:: root r] (f r (root r)).
Definition quota_v (r : request) : option nat :=
  let: (chosen, acc) := slo_phase_v r in if qle (target r) acc then Some (size chosen).-1 else None.

Definition global_top_v (inst : instance) (sets : selection) : option (nat * nat) :=
  best (candidate_before inst)
       (pmap (fun i => omap (fun v => (i, v)) (gt (req inst i) (nth [::] sets i)))
             (iota 0 (size (requests inst)))).

Definition loop_test (remaining : Z) : bool :=
  if loop_ge then (0 <=? remaining)%Z else (0 <? remaining)%Z.

Fixpoint throughput_v (inst : instance) (fuel : nat) (remaining : Z) (sets : selection) : selection :=
  if fuel is k.+1 then
    if loop_test remaining then
      if global_top_v inst sets is Some (i, v) then
        throughput_v inst k (remaining - 1)%Z (set_nth [::] sets i (rcons (nth [::] sets i) v))
      else sets
    else sets
  else sets.

Definition greedy_variant (inst : instance) : answer :=
  let rs := requests inst in
  let qs := map quota_v rs in
  let need := Z.of_nat (sumn (map (odflt 0%N) qs)) in
  if all isSome qs && (need <=? node_budget inst)%Z then
    OK (throughput_v inst (sumn (map nodes rs)) (node_budget inst - need)%Z
                     (map (fun r => (slo_phase_v r).1) rs))
  else INVALID.

End Variant.

(** the knobs at their correct positions give the reference greedy *)
Lemma greedy_variant_reference inst : greedy_variant get_top false inst = greedy inst.
Proof.
have slo : forall r fuel S acc, slo_loop_v get_top r fuel S acc = slo_loop r fuel S acc.
  by move=> r; elim=> [|k IH] S acc //=; case: qlt => //; case: get_top.
have q : forall r, quota_v get_top r = quota r by move=> r; rewrite /quota_v /slo_phase_v slo.
have tp : forall fuel rem sets, throughput_v get_top false inst fuel rem sets = throughput inst fuel rem sets.
  by elim=> [|k IH] rem sets //=; rewrite /loop_test; case: (0 <? rem)%Z => //;
     rewrite /global_top_v -/(candidates inst sets) -/(global_top inst sets);
     case: (global_top inst sets) => [[i v]|].
have sp : forall r, (slo_phase_v get_top r).1 = (slo_phase r).1 by move=> r; rewrite /slo_phase_v slo.
by rewrite /greedy_variant /greedy (eq_map q) tp (eq_map sp).
Qed.

(** the first answer's selection, or nothing *)
Definition sel_of (a : answer) : selection := if a is OK s then s else [::].
Definition is_ok (a : answer) : bool := if a is OK _ then true else false.

(** budget 0, one request whose root alone meets the target, one child with f = 1 *)
Definition inst_loop : instance :=
  Instance 0 false [:: Request 1 [:: -1; 0]%Z [:: 1; 1]%Q].

Example printed_loop_overspends :
  [&& is_ok (greedy_variant get_top true inst_loop), sel_of (greedy_variant get_top true inst_loop) == [:: [:: 0; 1]],
      nodes_used inst_loop (sel_of (greedy_variant get_top true inst_loop)) == 1,
      ~~ feasible inst_loop (sel_of (greedy_variant get_top true inst_loop)) &
      feasible inst_loop (sel_of (greedy inst_loop))].
Proof. by vm_compute. Qed.

(** the path root -> node 2 -> node 1 with f(2) = f(1) = 1/2 (docs/proof.md's 3-node
    counterexample): index 1 < 2 puts the child first *)
Definition inst_ties (b : Z) : instance :=
  Instance b false [:: Request 1 [:: -1; 2; 0]%Z [:: 1; 1#2; 1#2]%Q].

Example printed_get_top_orphans :
  [&& is_ok (greedy_variant get_top_all false (inst_ties 1)), sel_of (greedy_variant get_top_all false (inst_ties 1)) == [:: [:: 0; 1]],
      ~~ rooted (req (inst_ties 1) 0) (head [::] (sel_of (greedy_variant get_top_all false (inst_ties 1)))),
      ~~ feasible (inst_ties 1) (sel_of (greedy_variant get_top_all false (inst_ties 1))) &
      feasible (inst_ties 1) (sel_of (greedy (inst_ties 1)))].
Proof. by vm_compute. Qed.

(** both as printed: at budget 0 the extra node is the orphan *)
Example printed_alg1_both :
  [&& is_ok (greedy_variant get_top_all true (inst_ties 0)), sel_of (greedy_variant get_top_all true (inst_ties 0)) == [:: [:: 0; 1]],
      ~~ rooted (req (inst_ties 0) 0) (head [::] (sel_of (greedy_variant get_top_all true (inst_ties 0)))),
      nodes_used (inst_ties 0) (sel_of (greedy_variant get_top_all true (inst_ties 0))) == 1 &
      feasible (inst_ties 0) (sel_of (greedy (inst_ties 0)))].
Proof. by vm_compute. Qed.
