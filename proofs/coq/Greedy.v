(** * The greedy over all requests: the shape of its sets and the throughput phase

    Every set the greedy holds is the single-tree frontier greedy's
    selection after some number of steps ([shaped]); so it is rooted
    (APP-B).  Under the premise, the throughput phase keeps two facts that
    the certificate's lambda needs ([dominates], [above_quota]), and it ends
    with the node budget spent or every frontier empty. *)

From Coq Require Import ZArith QArith Lqa Lia.
From mathcomp Require Import ssreflect ssrbool ssrfun eqtype ssrnat seq path bigop.
From AdaServe Require Import Statement Lib Tree.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.
Local Close Scope Q_scope.

Lemma tree_greedy_canon r c : wf_request r ->
  tree_greedy r c = tree_greedy r (size (tree_greedy r c)).-1.
Proof.
move=> wf; rewrite !(tree_greedyE wf) /= size_take.
by case: ltnP => // le; rewrite take_size take_oversize.
Qed.

Lemma tree_greedy_succ r c v : get_top r (tree_greedy r c) = Some v ->
  tree_greedy r c.+1 = rcons (tree_greedy r c) v.
Proof. by rewrite /tree_greedy growS grow1 => ->. Qed.

Lemma size_tree_greedy_gt0 r c : 0 < size (tree_greedy r c).
Proof. by case: (grow_prefix r c [:: root r]) => T; rewrite /tree_greedy => ->. Qed.

Section Instance.
Variable inst : instance.
Local Notation rs := (requests inst).
Local Notation N := (size (requests inst)).
Local Notation R i := (req inst i).
Implicit Types (sets : selection).

Lemma all_req (P : pred request) i : all P rs -> i < N -> P (R i).
Proof. by move=> /(all_nthP dummy_request) H iN; apply: H. Qed.

Lemma wf_req i : wf_instance inst -> i < N -> wf_request (R i).
Proof. exact: all_req. Qed.

Lemma premise_req i : premise inst -> i < N -> premise_request (R i).
Proof. exact: all_req. Qed.

Lemma premise_wf : premise inst -> wf_instance inst.
Proof. by apply: sub_all => r /and4P []. Qed.

(** ** The global GetTop *)

Lemma mem_candidates sets i v :
  ((i, v) \in candidates inst sets) = (i < N) && (get_top (R i) (nth [::] sets i) == Some v).
Proof.
rewrite /candidates mem_pmap; apply/idP/idP.
- case/mapP => j; rewrite mem_iota add0n => /andP [_ jN].
  case E: (get_top (R j) (nth [::] sets j)) => [w|] //= [-> ->].
  by rewrite jN E eqxx.
- case/andP => iN /eqP E; apply/mapP; exists i; first by rewrite mem_iota add0n iN.
  by rewrite E.
Qed.

Definition cand_key (p : nat * nat) : Q := f (R p.1) p.2.

Lemma cand_before_ge a b : candidate_before inst a b -> (cand_key b <= cand_key a)%Q.
Proof.
case: a b => i u [j w]; rewrite /candidate_before /cand_key /=.
case/orP => [/qltP H | /andP [/qeqP H _]]; first exact: Qlt_le_weak.
rewrite H; exact: Qle_refl.
Qed.

Lemma cand_nbefore_le a b : ~~ candidate_before inst a b -> (cand_key a <= cand_key b)%Q.
Proof.
case: a b => i u [j w]; rewrite /candidate_before /cand_key /= negb_or => /andP [/qltP H _].
exact: Qnot_lt_le.
Qed.

Lemma global_top_spec sets i v : global_top inst sets = Some (i, v) ->
  [/\ i < N, get_top (R i) (nth [::] sets i) = Some v &
      forall j w, j < N -> get_top (R j) (nth [::] sets j) = Some w -> (f (R j) w <= f (R i) v)%Q].
Proof.
move=> E.
have := @best_mem _ _ cand_key cand_before_ge cand_nbefore_le _ _ E.
rewrite mem_candidates => /andP [iN /eqP Ev]; split=> // j w jN Ew.
have := @best_max _ _ cand_key cand_before_ge cand_nbefore_le _ _ E (j, w).
by rewrite mem_candidates jN Ew eqxx => /(_ isT).
Qed.

Lemma global_top_None sets : global_top inst sets = None ->
  forall j, j < N -> get_top (R j) (nth [::] sets j) = None.
Proof.
move=> /best_None E j jN; case Ew: (get_top _ _) => [w|] //.
have : (j, w) \in candidates inst sets by rewrite mem_candidates jN Ew eqxx.
by rewrite E.
Qed.

(** ** Shape: every set is a selection of the single-tree greedy *)

Definition shaped sets :=
  size sets = N /\ forall i, i < N -> nth [::] sets i = tree_greedy (R i) (size (nth [::] sets i)).-1.

Definition step sets i v := set_nth [::] sets i (rcons (nth [::] sets i) v).

Lemma size_step sets i v : i < size sets -> size (step sets i v) = size sets.
Proof. by move=> lt; rewrite size_set_nth; apply/maxn_idPr. Qed.

Lemma nth_step sets i v j : nth [::] (step sets i v) j = if j == i then rcons (nth [::] sets i) v else nth [::] sets j.
Proof. by rewrite /step nth_set_nth. Qed.

Lemma shaped_step sets i v : wf_instance inst -> shaped sets -> i < N ->
  get_top (R i) (nth [::] sets i) = Some v -> shaped (step sets i v).
Proof.
move=> wf [sz H] iN E; split; first by rewrite size_step sz.
move=> j jN; rewrite nth_step; case: eqP => [-> | _]; last exact: H.
rewrite H // in E *; rewrite -(tree_greedy_succ E).
exact: tree_greedy_canon (wf_req wf iN).
Qed.

Lemma throughput_shaped fuel rem sets : wf_instance inst -> shaped sets ->
  shaped (throughput inst fuel rem sets).
Proof.
move=> wf; elim: fuel rem sets => [|k IH] rem sets sh //=.
case: ifP => // _; case E: (global_top inst sets) => [[i v]|] //.
have [iN Ev _] := global_top_spec E.
exact/IH/(shaped_step wf sh iN Ev).
Qed.

Definition slo_sets := map (fun r => (slo_phase r).1) rs.

Lemma nth_slo_sets i : i < N -> nth [::] slo_sets i = (slo_phase (R i)).1.
Proof. by move=> iN; rewrite /slo_sets (nth_map dummy_request). Qed.

Lemma slo_shaped : wf_instance inst -> shaped slo_sets.
Proof.
move=> wf; split; first by rewrite size_map.
move=> i iN; rewrite nth_slo_sets //.
have [t [-> _ _ _ _]] := slo_phase_spec (wf_req wf iN).
exact: tree_greedy_canon (wf_req wf iN).
Qed.

Lemma greedy_OK sets : greedy inst = OK sets ->
  [/\ all isSome (map quota rs),
      (Z.of_nat (sumn (map (odflt 0%N) (map quota rs))) <= node_budget inst)%Z &
      sets = throughput inst (sumn (map nodes rs))
               (node_budget inst - Z.of_nat (sumn (map (odflt 0%N) (map quota rs))))%Z slo_sets].
Proof.
rewrite /greedy; case: ifP => // /andP [H1 /Z.leb_le H2] [<-]; split=> //.
Qed.

Lemma shaped_ok sets : wf_instance inst -> shaped sets ->
  all2 (fun r S => node_set r S && rooted r S) rs sets.
Proof.
move=> wf [sz H]; apply/(all2_nthP dummy_request [::]); split; first by rewrite sz.
by move=> i iN; rewrite H //; have := tree_greedy_ok (wf_req wf iN) (size (nth [::] sets i)).-1.
Qed.

Lemma greedy_shaped sets : wf_instance inst -> greedy inst = OK sets -> shaped sets.
Proof.
move=> wf /greedy_OK [_ _ ->]; apply: throughput_shaped => //; exact: slo_shaped.
Qed.

(** ** The throughput phase under the premise *)

Section Premise.
Hypothesis pr : premise inst.
Let wf := premise_wf pr.

Definition cnt sets i := (size (nth [::] sets i)).-1.
Definition qv i := odflt 0 (quota (R i)).
Definition csum sets := sumn [seq (size S).-1 | S <- sets].

(** every set beyond its quota holds only values >= every unselected value *)
Definition dominates sets := forall i j x u, i < N -> j < N -> qv i < cnt sets i ->
  x \in nth [::] sets i -> x != root (R i) -> u < nodes (R j) -> u \notin nth [::] sets j ->
  (f (R j) u <= f (R i) x)%Q.

Definition above_quota sets := forall i, i < N -> qv i <= cnt sets i.

Lemma cnt_le sets i : shaped sets -> i < N -> cnt sets i <= (nodes (R i)).-1.
Proof.
move=> [_ H] iN; rewrite /cnt -!subn1; apply: leq_sub2r; rewrite H //.
exact: state_size (tree_greedy_ok (wf_req wf iN) _).
Qed.

(** an unselected node of any request is worth at most the global GetTop *)
Lemma below_global_top sets i v j u : shaped sets -> global_top inst sets = Some (i, v) ->
  j < N -> u < nodes (R j) -> u \notin nth [::] sets j -> (f (R j) u <= f (R i) v)%Q.
Proof.
move=> [sz H] E jN un uS; have [iN Ev Hmax] := global_top_spec E.
have wfj := wf_req wf jN; have okj : state_ok (R j) (nth [::] sets j) by rewrite H //; exact: tree_greedy_ok.
have [a aF Ha] := frontier_ancestor wfj (state_root okj) un uS.
case Ew: (get_top (R j) (nth [::] sets j)) => [w|]; last by rewrite (get_top_None Ew) in aF.
apply: Qle_trans (Ha (pr_mono (premise_req pr jN))) _.
exact: Qle_trans (get_top_max Ew aF) (Hmax _ _ jN Ew).
Qed.

Lemma step_invariants sets i v : shaped sets -> dominates sets -> above_quota sets ->
  global_top inst sets = Some (i, v) ->
  [/\ shaped (step sets i v), dominates (step sets i v), above_quota (step sets i v) &
      csum (step sets i v) = (csum sets).+1].
Proof.
move=> sh dom aq E; have [iN Ev _] := global_top_spec E.
have [sz H] := sh.
have sh' := shaped_step wf sh iN Ev.
have cntE : forall j, cnt (step sets i v) j = if j == i then (cnt sets i).+1 else cnt sets j.
  move=> j; rewrite /cnt nth_step; case: eqP => // _.
  by rewrite size_rcons prednK // H // size_tree_greedy_gt0.
(* v is worth at most every non-root node already in request i *)
have vle : forall x, x \in nth [::] sets i -> x != root (R i) -> (f (R i) v <= f (R i) x)%Q.
  move=> x xS xr; have wfi := wf_req wf iN.
  have /frontierP [vn vS _] := get_top_frontier Ev.
  have [_ Hd] := tree_greedy_sorted wfi (pr_mono (premise_req pr iN)) (cnt sets i).
  apply: Hd => //; first by rewrite -H.
  by move: xS; rewrite H // tree_greedyE // inE (negbTE xr).
split=> //.
- move=> i' j x u i'N jN lt xS xr un uS.
  have uS0 : u \notin nth [::] sets j.
    by move: uS; rewrite nth_step; case: eqP => // ->; rewrite mem_rcons inE negb_or => /andP [].
  have Hv := below_global_top sh E jN un uS0.
  move: lt xS xr; rewrite cntE nth_step; case: eqP => [-> | ne] lt xS xr.
  + move: xS; rewrite mem_rcons inE => /orP [/eqP -> // | xS].
    exact: Qle_trans Hv (vle x xS xr).
  + exact: dom i' j x u i'N jN lt xS xr un uS0.
- move=> j jN; rewrite cntE; case: eqP => [-> | _]; last exact: aq.
  exact: leqW (aq i iN).
- rewrite /csum.
  have := @sumn_set_nth _ [::] (fun S : seq nat => (size S).-1) sets i (rcons (nth [::] sets i) v).
  rewrite sz => /(_ iN); rewrite -/(step sets i v) size_rcons.
  have s0 : 0 < size (nth [::] sets i) by rewrite H // size_tree_greedy_gt0.
  move: (size (nth [::] sets i)) s0 => [|n] // _ /=.
  by rewrite addnS -addSn => /eqP; rewrite eqn_add2r => /eqP.
Qed.

Lemma csum_lt_nodes sets : shaped sets -> 0 < N -> csum sets < sumn (map nodes rs).
Proof.
move=> sh N0; have [sz H] := sh.
rewrite /csum (sumn_map_nth [::]) (sumn_map_nth dummy_request) sz.
have : forall i, i \in iota 0 N -> (size (nth [::] sets i)).-1 < nodes (R i).
  move=> i; rewrite mem_iota add0n => iN; apply: leq_ltn_trans (cnt_le sh iN) _.
  by rewrite prednK ?(wf_nodes (wf_req wf iN)).
move=> Hlt; apply: (@sumn_map_lt _ (fun i => (size (nth [::] sets i)).-1) (fun i => nodes (R i))) => //.
by rewrite -size_eq0 size_iota -lt0n.
Qed.


Lemma throughput_spec fuel rem sets :
  shaped sets -> dominates sets -> above_quota sets ->
  rem = (node_budget inst - Z.of_nat (csum sets))%Z -> (0 <= rem)%Z ->
  sumn (map nodes rs) <= fuel + csum sets ->
  [/\ shaped (throughput inst fuel rem sets), dominates (throughput inst fuel rem sets),
      above_quota (throughput inst fuel rem sets),
      (Z.of_nat (csum (throughput inst fuel rem sets)) <= node_budget inst)%Z &
      Z.of_nat (csum (throughput inst fuel rem sets)) = node_budget inst
      \/ forall j, j < N -> get_top (R j) (nth [::] (throughput inst fuel rem sets) j) = None].
Proof.
elim: fuel rem sets => [|k IH] rem sets sh dom aq Er r0 fu /=.
  split=> //; first lia.
  right=> j jN; have := csum_lt_nodes sh (leq_ltn_trans (leq0n j) jN).
  by rewrite ltnNge add0n in fu *; rewrite fu.
case: ifP => [/Z.ltb_lt rpos | /Z.ltb_ge rle]; last by split=> //; [lia | left; lia].
case E: (global_top inst sets) => [[i v]|]; last first.
  by split=> //; [lia | right; apply: global_top_None].
have [sh' dom' aq' cs'] := step_invariants sh dom aq E.
rewrite -/(step sets i v); apply: IH => //.
- by rewrite cs' Nat2Z.inj_succ; lia.
- lia.
- by rewrite cs' addnS -addSn.
Qed.

(** the SLO phase's sets: counts = quotas *)
Lemma quota_size r q : quota r = Some q -> q = (size (slo_phase r).1).-1.
Proof. by rewrite /quota; case: (slo_phase r) => S acc /=; case: ifP => // _ [<-]. Qed.

Lemma csum_slo : all isSome (map quota rs) ->
  csum slo_sets = sumn (map (odflt 0%N) (map quota rs)).
Proof.
rewrite /csum /slo_sets -map_comp; elim: rs => [|r s IH] //= /andP [sr ss].
rewrite IH //; congr (_ + _); case E: (quota r) sr => [q|] // _.
by rewrite (quota_size E).
Qed.

Lemma slo_invariants : all isSome (map quota rs) ->
  [/\ shaped slo_sets, dominates slo_sets & above_quota slo_sets].
Proof.
move=> all_some.
have cntE : forall i, i < N -> cnt slo_sets i = qv i.
  move=> i iN; rewrite /cnt /qv nth_slo_sets //.
  have : isSome (quota (R i)) by move: all_some; rewrite all_map => /(all_nthP dummy_request); apply.
  by case E: (quota (R i)) => [q|] // _; rewrite (quota_size E).
split; first exact: slo_shaped wf.
- by move=> i j x u iN; rewrite cntE // ltnn.
- by move=> i iN; rewrite cntE.
Qed.

(** What the greedy's OK answer satisfies (under the premise) *)
Lemma greedy_final sets : greedy inst = OK sets ->
  [/\ all isSome (map quota rs), shaped sets, dominates sets, above_quota sets &
      (Z.of_nat (csum sets) <= node_budget inst)%Z /\
      (Z.of_nat (csum sets) = node_budget inst
       \/ forall j, j < N -> get_top (R j) (nth [::] sets j) = None)].
Proof.
move/greedy_OK => [H1 H2 ->]; have [sh dom aq] := slo_invariants H1.
have := @throughput_spec (sumn (map nodes rs)) _ slo_sets sh dom aq.
rewrite csum_slo // => /(_ _ erefl).
have r0 : (0 <= node_budget inst - Z.of_nat (sumn (map (odflt 0%N) (map quota rs))))%Z by lia.
move=> /(_ r0 (leq_addr _ _)) [sh' dom' aq' le fin].
by split.
Qed.

End Premise.
End Instance.
