(** * THM-3.1: the expected number of accepted nodes is the sum of f

    The walk's outcomes below a node [t] are those of its children, each
    scaled by the step's cond and counting one node more, plus "stop at t"
    with the rest of the probability.  So, writing E(t) for the expected
    count and P(t) for the total probability, with c_u the children's conds:
      P(t) = (1 - sum c_u) + sum c_u P(u)           = 1,
      E(t) = (1 - sum c_u) + sum c_u (E(u) + P(u))  = 1 + sum c_u E(u),
    and the sum of f over t satisfies the same recursion (f of a node below
    u is c_u times its f within u): induction on the tree ([walk_spec]).
    A pruned tree keeps conds and a subset of each node's children, so it
    satisfies the premise whenever the whole tree does ([prune_ok]).
    Equalities of rationals are [Qeq] (Q's fractions are not reduced). *)

From Coq Require Import ZArith QArith Lqa Lia.
From mathcomp Require Import ssreflect ssrbool ssrfun eqtype ssrnat seq.
From mathcomp Require Import bigop.
From AdaServe Require Import Statement Lib.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.
Local Close Scope Q_scope.

Local Notation qn n := (inject_Z (Z.of_nat n)).

(** ** Induction on trees: a property of every child gives it at the node *)

Lemma ctree_ind' (P : ctree -> Prop) :
  (forall c ts, (forall u, List.In u ts -> P u) -> P (CNode c ts)) ->
  forall t, P t.
Proof.
move=> IH; fix F 1; case=> c ts; apply: IH.
elim: ts => [|u ts IHts] v /=; first by case.
by case=> [<- | vin]; [exact: F | exact: IHts].
Qed.

Lemma all_of_In (A : Type) (P : pred A) (s : seq A) :
  (forall y, List.In y s -> P y) -> all P s.
Proof.
elim: s => [|x s IH] //= all_in; rewrite all_in /=; last by left.
by apply: IH => y ys; apply: all_in; right.
Qed.

(** ** Sums of rationals over lists *)

Section Sums.
Variable A : Type.
Implicit Types (F G : A -> Q) (s : seq A).

Lemma qsum_cat (s1 s2 : seq Q) : qsum (s1 ++ s2) = (qsum s1 + qsum s2)%Q.
Proof. by rewrite !qsumE big_cat. Qed.

Lemma qsum_flatten (B : Type) (g : B -> Q) (F : A -> seq B) s :
  qsum (map g (flatten (map F s))) = qsum (map (fun u => qsum (map g (F u))) s).
Proof. by elim: s => [|u s IH] //=; rewrite map_cat qsum_cat IH. Qed.

Lemma qsum_eq_In F G s : (forall x, List.In x s -> F x == G x)%Q ->
  (qsum (map F s) == qsum (map G s))%Q.
Proof.
elim: s => [|x s IH] /= eqF; first exact: Qeq_refl.
rewrite (eqF x (or_introl erefl)) IH; first exact: Qeq_refl.
by move=> y ys; apply: eqF; right.
Qed.

Lemma qsum_scale F c s :
  (qsum (map (fun x => c * F x) s) == c * qsum (map F s))%Q.
Proof. by elim: s => [|x s IH] /=; [ring | rewrite IH; ring]. Qed.

Lemma qsum_add F G s :
  (qsum (map (fun x => F x + G x) s) == qsum (map F s) + qsum (map G s))%Q.
Proof. by elim: s => [|x s IH] /=; [ring | rewrite IH; ring]. Qed.

End Sums.

(** ** The walk on one tree *)

Lemma walk_spec t : cond_ok t ->
  [/\ all (fun o => qle 0 o.2) (walk t), (total_prob t == 1)%Q &
      (expected_acc t == qsum (fvals t))%Q].
Proof.
elim/ctree_ind': t => c ts IH /and3P [nn /qleP le oks].
have IHu u : List.In u ts -> [/\ all (fun o => qle 0 o.2) (walk u),
    (total_prob u == 1)%Q & (expected_acc u == qsum (fvals u))%Q].
  by move=> uin; apply: IH uin (all_In oks uin).
have cu0 u : List.In u ts -> (0 <= ccond u)%Q.
  by move=> uin; apply/qleP; apply: all_In nn uin.
rewrite /total_prob /expected_acc /=; split.
- apply/andP; split; first by apply/qleP; lra.
  rewrite all_flatten all_map; apply: all_of_In => u uin /=.
  rewrite all_map; have [nnu _ _] := IHu u uin.
  apply: sub_all nnu => o /= /qleP o0; apply/qleP.
  exact: Qmult_le_0_compat (cu0 u uin) o0.
- rewrite qsum_flatten.
  have step u : List.In u ts ->
      (qsum (map snd [seq (o.1.+1, ccond u * o.2)%Q | o <- walk u])
       == ccond u)%Q.
    move=> uin; rewrite -map_comp /comp /= qsum_scale.
    by have [_ P1 _] := IHu u uin; rewrite /total_prob in P1; rewrite P1; ring.
  by rewrite (qsum_eq_In step); ring.
- rewrite qsum_flatten.
  have step u : List.In u ts ->
      (qsum (map (fun o => qn o.1 * o.2)
                 [seq (o.1.+1, ccond u * o.2)%Q | o <- walk u])
       == ccond u * qsum (fvals u) + ccond u)%Q.
    move=> uin; rewrite -map_comp /comp /=.
    have [_ P1 E1] := IHu u uin; rewrite /total_prob /expected_acc in P1 E1.
    have pt o : (qn o.1.+1 * (ccond u * o.2)
                 == ccond u * (qn o.1 * o.2) + ccond u * o.2)%Q.
      have := mul_qnatS (ccond u * o.2) o.1.
      move: (qn o.1.+1) (qn o.1) => a b E.
      by rewrite Qmult_comm E; ring.
    rewrite (qsum_eq_In (fun o _ => pt o)) qsum_add !qsum_scale E1 P1; ring.
  rewrite (qsum_eq_In step) qsum_add.
  have fv : (qsum (flatten [seq [seq (ccond u * x)%Q | x <- fvals u] | u <- ts])
             == qsum (map (fun u => ccond u * qsum (fvals u)) ts))%Q.
    rewrite -[flatten _]map_id qsum_flatten; apply: qsum_eq_In => u _.
    by rewrite map_id (qsum_scale id) map_id; apply: Qeq_refl.
  by rewrite fv /=; ring.
Qed.

(** ** Pruning keeps the premise *)

Definition prune_kids (keep : seq nat -> bool) (p : seq nat) :=
  fix kids (i : nat) (us : seq ctree) :=
    if us is u :: us' then
      if keep (rcons p i) then prune keep (rcons p i) u :: kids i.+1 us'
      else kids i.+1 us'
    else [::].

Lemma pruneE keep p c ts :
  prune keep p (CNode c ts) = CNode c (prune_kids keep p 0 ts).
Proof. by []. Qed.

Lemma ccond_prune keep p u : ccond (prune keep p u) = ccond u.
Proof. by case: u. Qed.

Lemma prune_kids_cond keep p i us : all (fun u => qle 0 (ccond u)) us ->
  all (fun u => qle 0 (ccond u)) (prune_kids keep p i us) /\
  (qsum (map ccond (prune_kids keep p i us)) <= qsum (map ccond us))%Q.
Proof.
elim: us i => [|u us IH] i /=; first by split=> //; apply: Qle_refl.
case/andP => /qleP u0 nn; have [nn' le] := IH i.+1 nn.
case: (keep _) => /=; rewrite ?ccond_prune.
  by split; [rewrite nn' andbT; apply/qleP | lra].
by split=> //; lra.
Qed.

Lemma prune_ok keep t p : cond_ok t -> cond_ok (prune keep p t).
Proof.
elim/ctree_ind': t p => c ts IH p /and3P [nn le oks].
rewrite pruneE /=; have [nn' le'] := prune_kids_cond keep p 0 nn.
rewrite nn' /=; apply/andP; split.
  by apply/qleP; apply: Qle_trans le' _; apply/qleP.
elim: ts 0 IH oks {nn le nn' le'} => [|u us IHus] i IH //= /andP [oku okus].
case: (keep _) => /=; last by apply: IHus => // v vin; apply: IH; right.
rewrite (IH u (or_introl erefl)) //=.
by apply: IHus => // v vin; apply: IH; right.
Qed.

(** A worked instance: root -> a (cond 1/2) -> a' (1/2), root -> b (1/4).
    The walk stops at root, a, a', b with probabilities 1/4 each and counts
    1, 2, 3, 2 nodes: E = 2 = 1 + 1/2 + 1/4 + 1/4, the sum of f. *)
Definition tree_3_1 : ctree :=
  CNode 1 [:: CNode (1#2) [:: CNode (1#2) [::]]; CNode (1#4) [::]].

Example thm_3_1_worked :
  [&& map fst (walk tree_3_1) == [:: 1; 2; 3; 2],
      all (fun o => qeq o.2 (1#4)) (walk tree_3_1),
      qeq (expected_acc tree_3_1) 2 & qeq (qsum (fvals tree_3_1)) 2].
Proof. by vm_compute. Qed.
