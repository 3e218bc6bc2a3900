(** * Algorithm 1 with the paper's GetTop, for every tie-break

    Under f(child) < f(parent), an unselected node of largest f has its
    parent selected (else the parent, unselected too, would be worth more):
    the paper's GetTop always picks a frontier node, so its sets stay rooted
    ([largest_frontier]; Appendix B's argument).  Each set is a top set: no
    unselected node of its tree is worth more than a selected non-root node
    ([topset]), and a top set with k non-root nodes is worth exactly the
    root and the k largest values ([value_topset]).  Hence the paper's SLO
    counts are the reference's ([paper_quotaE]): both greedies answer
    INVALID on the same instances.  After the throughput phase the paper's
    sets satisfy what [certificate_accepted] (Certificate.v) needs, so the
    reference's certificate for them is accepted: they are optimal. *)

From Coq Require Import ZArith QArith Lqa Lia.
From mathcomp Require Import ssreflect ssrbool ssrfun eqtype ssrnat seq path.
From mathcomp Require Import bigop.
From AdaServe Require Import Statement Lib Tree Greedy Certificate Defects.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.
Local Close Scope Q_scope.

Section OneTree.
Variable r : request.
Implicit Types (S : seq nat).

Lemma mem_unselected S u :
  (u \in unselected r S) = (u < nodes r) && (u \notin S).
Proof. by rewrite mem_filter mem_iota add0n andbC. Qed.

Lemma unselected_nil_full S :
  unselected r S = [::] -> forall u, u < nodes r -> u \in S.
Proof.
move=> E u un; apply/negPn/negP => uS.
have : u \in unselected r S by rewrite mem_unselected un uS.
by rewrite E.
Qed.

Lemma full_unselected_nil S : state_ok r S -> nodes r <= size S ->
  unselected r S = [::].
Proof.
case/andP=> /andP [uS /allP inS] _ le.
case E: (unselected r S) => [|u s] //.
have : u \in unselected r S by rewrite E mem_head.
rewrite mem_unselected => /andP [un /negP []].
have sub : {subset S <= iota 0 (nodes r)}.
  by move=> v vS; rewrite mem_iota add0n inS.
have [_ eqS] := uniq_min_size uS sub (leq_trans (eq_leq (size_iota 0 _)) le).
by rewrite eqS mem_iota add0n.
Qed.

Hypothesis wf : wf_request r.

(** ** Appendix B: the largest unselected node is on the frontier *)

Section Strict.
Hypothesis st : strict r.

Lemma strict_par v p : par r v = Some p -> (f r v < f r p)%Q.
Proof.
move=> E; have [vn _] := par_some wf E.
by move/allP: st => /(_ v); rewrite mem_iota add0n vn E => /(_ isT) /qltP.
Qed.

Lemma largest_frontier S v : state_ok r S -> largest_unselected r S v ->
  v \in frontier r S.
Proof.
move=> ok /andP [vU /allP vmax]; move: (vU).
rewrite mem_unselected => /andP [vn vS].
have vr : v != root r by apply: contraNneq vS => ->; apply: state_root ok.
have [p E] := par_nonroot wf vn vr.
apply/frontierP; split=> //; exists p => //.
apply/negPn/negP => pS; have [_ pn] := par_some wf E.
have := vmax p; rewrite mem_unselected pn pS => /(_ isT) /qleP le.
by have := Qle_lt_trans _ _ _ le (strict_par E); apply: Qlt_irrefl.
Qed.

(** ** Top sets *)

Definition topset S := state_ok r S /\
  forall u x, u \in unselected r S -> x \in S -> x != root r ->
  (f r u <= f r x)%Q.

Lemma topset_root : topset [:: root r].
Proof.
split=> [|u x _]; first exact: state_ok_root.
by rewrite inE => /eqP ->; rewrite eqxx.
Qed.

Lemma topset_rcons S v : topset S -> largest_unselected r S v ->
  topset (rcons S v).
Proof.
move=> [ok top] lv; split.
  exact: state_ok_frontier ok (largest_frontier ok lv).
move=> u x; rewrite mem_unselected mem_rcons inE negb_or.
move=> /and3P [un uv uS].
have uU : u \in unselected r S by rewrite mem_unselected un uS.
rewrite mem_rcons inE => /orP [/eqP -> _ | xS xr]; last exact: top.
by case/andP: lv => _ /allP /(_ u uU) /qleP.
Qed.

End Strict.

(** a top set with k non-root nodes is worth the root and the k largest *)
Lemma value_topset S : topset S ->
  (value r S == top_value r (nonroot_count r S))%Q.
Proof.
move=> [ok top]; have /andP [/andP [uS /allP inS] /andP [rS _]] := ok.
set P := [seq v <- S | v != root r].
pose s' := sort (geF (f r)) P ++ sort (geF (f r)) (rest r S).
have [ps us ms] := sigma_props r.
have tot := geF_total r; have tr := @geF_trans _ (f r).
have ps' : pairwise (geF (f r)) s'.
  rewrite pairwise_cat -!(sorted_pairwise tr) !sort_sorted // !andbT.
  apply/allrelP => x y; rewrite !mem_sort mem_filter mem_rest.
  move=> /andP [xr xS] /and3P [yS _ yn]; apply/qleP; apply: top => //.
  by rewrite mem_unselected yn yS.
have us' : uniq s'.
  have u2 : uniq (rest r S) by apply/filter_uniq/filter_uniq/iota_uniq.
  rewrite cat_uniq !sort_uniq (filter_uniq _ uS) u2 andbT andTb.
  apply/hasPn => y yR; apply/negP => yP.
  have : y \in sort (geF (f r)) P := yP.
  rewrite mem_sort mem_filter => /andP [_ yS].
  by move: yR; rewrite mem_sort mem_rest yS.
have ms' : s' =i sigma r.
  move=> x; rewrite ms mem_cat !mem_sort mem_filter mem_rest mem_nonroot.
  by case xS: (x \in S); case: (x != root r); rewrite //= ?inS.
have := sorted_prefix_sums (size P) ps' ps us' us ms'.
have -> : take (size P) s' = sort (geF (f r)) P.
  by rewrite /s' take_size_cat ?size_sort.
rewrite (perm_big _ (permEl (perm_sort _ _))) => E.
rewrite (value_rooted uS rS) top_valueE nonroot_countE -/P.
by rewrite E; apply: Qeq_refl.
Qed.

Lemma nonroot_count_rcons S v : root r \in S -> v \notin S ->
  nonroot_count r (rcons S v) = (nonroot_count r S).+1.
Proof.
move=> rS vS; have vr : v != root r by apply: contraNneq vS => ->.
by rewrite /nonroot_count -cats1 count_cat /= vr addn0 addn1.
Qed.

(** ** The SLO phase with the paper's GetTop *)

Section SLO.
Hypotheses (pr : premise_request r) (st : strict r).
Variable gt : request -> seq nat -> option nat.
Hypothesis tc : tree_choice gt.

(** the values seen so far fell short of the target *)
Definition below S :=
  forall j, j < nonroot_count r S -> qlt (top_value r j) (target r).

Definition slo_end (res : seq nat * Q) :=
  [/\ topset res.1, (res.2 == value r res.1)%Q, below res.1 &
      qle (target r) res.2 \/ unselected r res.1 = [::]].

Lemma paper_slo_loop_end fuel S acc :
  topset S -> (acc == value r S)%Q -> below S -> nodes r <= size S + fuel ->
  slo_end (paper_slo_loop gt r fuel S acc).
Proof.
elim: fuel S acc => [|k IH] S acc top Hacc bl le.
  split=> //; right; apply: full_unselected_nil (top.1) _.
  by rewrite addn0 in le.
rewrite [paper_slo_loop _ _ _ _ _]/=.
case: ifP => [lt | /negbT ge]; last first.
  by split=> //; left; rewrite qltNge negbK in ge.
have := tc r S; case: (gt r S) => [v lv | /eqP U]; last by split=> //; right.
have [ok _] := top.
have /andP [vU _] := lv; move: (vU); rewrite mem_unselected => /andP [vn vS].
apply: IH.
- exact: topset_rcons.
- by rewrite value_rcons; apply: Qplus_comp => //; apply: Qeq_refl.
- move=> j; rewrite nonroot_count_rcons ?(state_root ok) // ltnS leq_eqVlt.
  case/orP=> [/eqP -> | jlt]; last exact: bl.
  by apply/qltP; rewrite -(value_topset top) -Hacc; apply/qltP.
- by rewrite size_rcons addSnnS.
Qed.

Lemma paper_slo_end : slo_end (paper_slo gt r).
Proof.
apply: paper_slo_loop_end; first exact: topset_root.
- by rewrite /value /= Qplus0r_L; apply: Qeq_refl.
- by move=> j; rewrite /nonroot_count /= eqxx.
- exact: leq_addl.
Qed.

(** the paper's SLO count is the reference's *)
Lemma paper_quotaE : paper_quota gt r = quota r.
Proof.
rewrite /paper_quota -(min_count_bound_quota wf pr).
have := paper_slo_end; case: (paper_slo gt r) => S acc [top Hacc bl fin] /=.
have [ok _] := top; have /andP [okn okr] := ok.
case: ifP => [reach | /negbT nreach].
- rewrite (size_rooted okn okr) /= /min_count_bound.
  rewrite -(add0n (nonroot_count r S)); apply/esym/first_reach_some.
  + rewrite size_sorted_values //; move: (state_size ok).
    by rewrite (size_rooted okn okr); case: (nodes r) => // n; rewrite ltnS.
  + rewrite -/(top_value r _); apply/qleP.
    by rewrite -(value_topset top) -Hacc; apply/qleP.
  + by move=> i lt; apply: bl.
- case: fin => [re | U]; first by rewrite re in nreach.
  have full : size S = nodes r.
    by apply: full_size ok (unselected_nil_full U).
  have Hm : (mass r < target r)%Q.
    rewrite -(value_full wf ok full) -Hacc.
    by apply: Qnot_le_lt => /qleP; apply/negP.
  rewrite /min_count_bound first_reach_none // => i le.
  rewrite -/(top_value r i); apply/qltP; apply: Qle_lt_trans Hm.
  rewrite -(value_top wf i (pr_mono pr)).
  have /andP [okg _] := tree_greedy_ok wf i.
  by have := value_le_mass wf (pr_nonneg pr) okg; apply.
Qed.

Lemma paper_slo_spec : topset (paper_slo gt r).1 /\
  forall q, quota r = Some q ->
  reaches_target r (paper_slo gt r).1 /\
  nonroot_count r (paper_slo gt r).1 = q.
Proof.
have := paper_quotaE; rewrite /paper_quota.
have := paper_slo_end; case: (paper_slo gt r) => S acc [top Hacc _ _] /= E.
split=> // q; rewrite -E; case: ifP => // reach [<-].
have [/andP [okn okr] _] := top; rewrite (size_rooted okn okr); split=> //.
by apply/qleP; rewrite -Hacc; apply/qleP.
Qed.

End SLO.
End OneTree.

(** ** All requests *)

Section Instance.
Variable gt : request -> seq nat -> option nat.
Variable gtop : instance -> selection -> option (nat * nat).
Variable inst : instance.
Hypotheses (tc : tree_choice gt) (gc : global_choice gtop).
Hypothesis sp : strict_premise inst.
Local Notation rs := (requests inst).
Local Notation N := (size (requests inst)).
Local Notation R i := (req inst i).
Implicit Types (sets : selection).

Lemma sp_premise : premise inst.
Proof. by apply: sub_all sp => r /andP []. Qed.

Lemma sp_req i : i < N -> [/\ wf_request (R i), premise_request (R i) &
  strict (R i)].
Proof.
move=> iN; have /andP [pri sti] := all_req sp iN.
by split=> //; case/and4P: pri.
Qed.

Lemma map_paper_quota : map (paper_quota gt) rs = map quota rs.
Proof.
have : all (fun r => premise_request r && strict r) rs := sp.
elim: rs => [|r s IH] //= /andP [/andP [pri sti] ps].
have wfr : wf_request r by case/and4P: pri.
by rewrite IH // (paper_quotaE wfr pri sti tc).
Qed.

(** the two greedies answer INVALID on the same instances *)
Lemma paper_greedy_is_ok :
  is_ok (paper_greedy gt gtop inst) = is_ok (greedy inst).
Proof. by rewrite /paper_greedy /greedy map_paper_quota; case: ifP. Qed.

Definition inv sets := [/\ size sets = N,
  forall i, i < N -> topset (R i) (nth [::] sets i) /\
                     reaches_target (R i) (nth [::] sets i),
  dominates inst sets & above_quota inst sets].

Lemma paper_step sets i v : inv sets -> gtop inst sets = Some (i, v) ->
  inv (step sets i v) /\ csum (step sets i v) = (csum sets).+1.
Proof.
move=> [sz top dom aq] E.
have := gc inst sets; rewrite E => /and3P [iN vU /allP vmax].
have vmax' j u : j < N -> u \in unselected (R j) (nth [::] sets j) ->
    (f (R j) u <= f (R i) v)%Q.
  move=> jN uU; apply/qleP; move: (vmax j).
  by rewrite mem_iota add0n jN => /(_ isT) /allP; apply.
have [wfi pri sti] := sp_req iN; have [topi reachi] := top i iN.
have lv : largest_unselected (R i) (nth [::] sets i) v.
  rewrite /largest_unselected vU; apply/allP => u uU.
  by apply/qleP; apply: vmax'.
have [oki topv] := topi.
have s0 : 0 < size (nth [::] sets i).
  by case: (nth [::] sets i) (state_root oki).
have cntE j : cnt (step sets i v) j =
    if j == i then (cnt sets i).+1 else cnt sets j.
  by rewrite /cnt nth_step; case: eqP => // _; rewrite size_rcons prednK.
split; first split.
- by rewrite size_step sz.
- move=> j jN; rewrite nth_step; case: eqP => [-> | _]; last exact: top.
  split; first exact: topset_rcons.
  rewrite /reaches_target value_rcons; apply/qleP.
  have := qleP _ _ reachi; have := @f_ge0 _ wfi (pr_nonneg pri) v; lra.
- move=> i' j x u i'N jN lt xS xr un uS.
  have uS0 : u \notin nth [::] sets j.
    move: uS; rewrite nth_step; case: eqP => // ->.
    by rewrite mem_rcons inE negb_or => /andP [].
  have uU : u \in unselected (R j) (nth [::] sets j).
    by rewrite mem_unselected un uS0.
  have Hv := vmax' j u jN uU.
  move: lt xS xr; rewrite cntE nth_step; case: eqP => [-> | ne] lt xS xr.
  + move: xS; rewrite mem_rcons inE => /orP [/eqP -> // | xS].
    exact: Qle_trans Hv (topv v x vU xS xr).
  + exact: dom i' j x u i'N jN lt xS xr un uS0.
- move=> j jN; rewrite cntE; case: eqP => [-> | _]; last exact: aq.
  exact: leqW (aq i iN).
- rewrite /csum.
  have := @sumn_set_nth _ [::] (fun S : seq nat => (size S).-1) sets i
            (rcons (nth [::] sets i) v).
  rewrite sz => /(_ iN); rewrite -/(step sets i v) size_rcons.
  move: (size (nth [::] sets i)) s0 => [|n] // _ /=.
  by rewrite addnS -addSn => /eqP; rewrite eqn_add2r => /eqP.
Qed.

Lemma csum_lt sets : inv sets -> 0 < N -> csum sets < sumn (map nodes rs).
Proof.
move=> [sz top _ _] N0.
rewrite /csum (sumn_map_nth [::]) (sumn_map_nth dummy_request) sz.
apply: (@sumn_map_lt _ (fun i => (size (nth [::] sets i)).-1)
                       (fun i => nodes (R i))); last first.
  by rewrite -size_eq0 size_iota -lt0n.
move=> i; rewrite mem_iota add0n => iN; have [[ok _] _] := top i iN.
have s0 : 0 < size (nth [::] sets i) by case: (nth [::] sets i) (state_root ok).
by rewrite prednK //; apply: state_size ok.
Qed.

Definition final sets := [/\ inv sets,
  (Z.of_nat (csum sets) <= node_budget inst)%Z &
  Z.of_nat (csum sets) = node_budget inst
  \/ forall i u, i < N -> u < nodes (R i) -> u \in nth [::] sets i].

Lemma paper_throughput_final fuel rem sets : inv sets ->
  rem = (node_budget inst - Z.of_nat (csum sets))%Z -> (0 <= rem)%Z ->
  sumn (map nodes rs) <= fuel + csum sets ->
  final (paper_throughput gtop inst fuel rem sets).
Proof.
elim: fuel rem sets => [|k IH] rem sets iv Er r0 fu /=.
  split=> //; first lia.
  right=> i u iN; have := csum_lt iv (leq_ltn_trans (leq0n i) iN).
  by rewrite ltnNge add0n in fu *; rewrite fu.
case: ifP => [/Z.ltb_lt rpos | /Z.ltb_ge rle].
  case E: (gtop inst sets) => [[i v]|]; last first.
    split=> //; first lia.
    right=> i u iN un; have := gc inst sets; rewrite E => /allP /(_ i).
    rewrite mem_iota add0n iN => /(_ isT) /eqP U.
    exact: unselected_nil_full U u un.
  have [iv' cs'] := paper_step iv E.
  rewrite -/(step sets i v); apply: IH => //.
  - by rewrite cs' Nat2Z.inj_succ; lia.
  - lia.
  - by rewrite cs' addnS -addSn.
by split=> //; [lia | left; lia].
Qed.

Lemma paper_greedy_final sets : paper_greedy gt gtop inst = OK sets ->
  final sets /\ forall i, i < N -> quota (R i) = Some (qv inst i).
Proof.
rewrite /paper_greedy map_paper_quota.
case: ifP => // /andP [some /Z.leb_le need] [<-].
have quotaE : forall i, i < N -> quota (R i) = Some (qv inst i).
  move=> i iN; move: some; rewrite all_map => /(all_nthP dummy_request).
  move=> /(_ i iN); rewrite /qv /req /preim /=.
  by case: (quota (nth dummy_request (requests inst) i)).
set sets0 := map (fun r => (paper_slo gt r).1) rs.
have nth0 i : i < N -> nth [::] sets0 i = (paper_slo gt (R i)).1.
  by move=> iN; rewrite /sets0 (nth_map dummy_request).
have spec i : i < N -> [/\ topset (R i) (nth [::] sets0 i),
    reaches_target (R i) (nth [::] sets0 i) & cnt sets0 i = qv inst i].
  move=> iN; have [wfi pri sti] := sp_req iN.
  have [top reach_count] := paper_slo_spec wfi pri sti tc.
  have [reach cq] := reach_count _ (quotaE i iN).
  rewrite /cnt nth0 //; split=> //.
  by have [/andP [okn okr] _] := top; rewrite (size_rooted okn okr) cq.
have iv : inv sets0.
  split; first by rewrite size_map.
  - by move=> i iN; have [] := spec i iN.
  - by move=> i j x u iN; have [_ _ ->] := spec i iN; rewrite ltnn.
  - by move=> i iN; have [_ _ ->] := spec i iN.
have cs0 : csum sets0 = sumn (map (odflt 0) (map quota rs)).
  rewrite /csum (sumn_map_nth [::]) (sumn_map_nth None) !size_map.
  apply: congr1; apply/eq_in_map => i; rewrite mem_iota add0n => iN.
  rewrite (nth_map dummy_request) // -/(R i) quotaE //=.
  by have [_ _ E] := spec i iN; apply: E.
split=> //; apply: paper_throughput_final => //; rewrite ?cs0 ?leq_addr //.
lia.
Qed.

Lemma paper_ok_rooted sets : paper_greedy gt gtop inst = OK sets ->
  all2 (fun r S => node_set r S && rooted r S) rs sets.
Proof.
move=> /paper_greedy_final [[[sz top _ _] _ _] _].
apply/(all2_nthP dummy_request [::]); split; first by rewrite sz.
by move=> i iN; have [[]] := top i iN.
Qed.

Lemma paper_ok_accepted sets : paper_greedy gt gtop inst = OK sets ->
  check inst (OK sets) (Some (objective inst sets))
        (optimal_certificate inst sets).
Proof.
move=> /paper_greedy_final [[[sz top dom aq] bud fin] quotaE].
have := @certificate_accepted inst sp_premise sets sz dom aq quotaE.
move=> accepted; apply: accepted => //.
- by move=> i iN; have [[]] := top i iN.
- by move=> i iN; have [] := top i iN.
- move=> i u x iN; rewrite mem_rest => /and3P [uS _ un].
  have [[_ topv] _] := top i iN; apply: topv.
  by rewrite mem_unselected un uS.
Qed.

End Instance.

(** ** Choice functions exist: the printed GetTop (index ties) is one *)

Lemma index_before_ge r a b : index_before r a b -> (f r b <= f r a)%Q.
Proof.
case/orP => [/qltP lt | /andP [/qeqP eq _]]; first exact: Qlt_le_weak.
by rewrite eq; apply: Qle_refl.
Qed.

Lemma index_nbefore_le r a b : ~~ index_before r a b -> (f r a <= f r b)%Q.
Proof. by rewrite negb_or => /andP [/qltP nlt _]; apply: Qnot_lt_le. Qed.

Lemma get_top_all_choice : tree_choice get_top_all.
Proof.
move=> r S; rewrite /get_top_all -/(unselected r S).
case E: (best _ _) => [v|]; last by rewrite (best_None E).
have ge := @index_before_ge r; have le := @index_nbefore_le r.
rewrite /largest_unselected (best_mem ge le E); apply/allP => u uU.
exact/qleP/(best_max ge le E).
Qed.

(** all requests: the candidate order of the reference (f, depth, request)
    over every unselected node of every request *)
Definition global_top_all (inst : instance) (sets : selection) :=
  best (candidate_before inst)
    (flatten [seq [seq (i, v) | v <- unselected (req inst i) (nth [::] sets i)]
             | i <- iota 0 (size (requests inst))]).

Lemma global_top_all_choice : global_choice global_top_all.
Proof.
move=> inst sets /=; rewrite /global_top_all.
have ge := @cand_before_ge inst; have le := @cand_nbefore_le inst.
have memF i v : ((i, v) \in flatten [seq [seq (i, v) | v <- unselected
      (req inst i) (nth [::] sets i)] | i <- iota 0 (size (requests inst))])
    = (i < size (requests inst))
      && (v \in unselected (req inst i) (nth [::] sets i)).
  apply/flattenP/idP => [[s /mapP [j jI ->] /mapP [w wU [-> ->]]] |
                        /andP [iN vU]].
    by move: jI; rewrite mem_iota add0n wU andbT => /andP [_ ->].
  exists [seq (i, v) | v <- unselected (req inst i) (nth [::] sets i)].
    by apply/mapP; exists i; rewrite // mem_iota add0n.
  by apply/mapP; exists v.
case E: (best _ _) => [[i v]|].
  have := best_mem ge le E; rewrite memF => /andP [-> ->] /=.
  apply/allP => j; rewrite mem_iota add0n => /andP [_ jN]; apply/allP => u uU.
  have := best_max ge le E (y := (j, u)); rewrite memF jN uU => /(_ isT).
  by move/qleP.
apply/allP => j; rewrite mem_iota add0n => /andP [_ jN]; apply/eqP.
case U: (unselected _ _) => [|u s] //.
by have := memF j u; rewrite (best_None E) in_nil jN U mem_head.
Qed.

(** The premise matters: with ties (f(child) = f(parent)) the paper's
    greedy with index ties takes the child first on docs/proof.md's 3-node
    path (root -> 2 -> 1, f(2) = f(1) = 1/2), here in the SLO phase of a
    request whose target 3/2 needs one node. *)
Definition inst_ties_slo : instance :=
  Instance 1 false [:: Request (3#2) [:: -1; 2; 0]%Z [:: 1; 1#2; 1#2]%Q].

Example paper_greedy_orphans_with_ties :
  let a := paper_greedy get_top_all global_top_all inst_ties_slo in
  [&& is_ok a, sel_of a == [:: [:: 0; 1]],
      premise inst_ties_slo, ~~ strict_premise inst_ties_slo &
      ~~ rooted (req inst_ties_slo 0) (head [::] (sel_of a))].
Proof. by vm_compute. Qed.
