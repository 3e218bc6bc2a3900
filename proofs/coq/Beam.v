(** * THM-4.1: the beam search and the optimal tree

    As printed the claim is false: with two siblings of equal f and B = 1,
    either one alone is an optimal tree, and the beam of width 1 keeps only
    one of them ([thm_4_1_counterexample]; the strict premise holds there).

    What holds ([thm_4_1_corrected]): the frontier greedy's selection G
    (Tree.v; ties by larger f, smaller depth, smaller index) is an optimal
    tree of budget b (Lemma C.2) and lies in the beam of width b.  Layer by
    layer: a node v of G at depth d+1 has its parent in layer d, so it is a
    candidate of layer d+1; every candidate ranked before it has the same
    depth and comes before v in the greedy's own order, so it is in G
    ([greedy_closed]); G has at most b non-root nodes, so fewer than b
    candidates rank before v, and the beam keeps it. *)

From Coq Require Import ZArith QArith Lqa Lia.
From mathcomp Require Import ssreflect ssrbool ssrfun eqtype ssrnat seq path.
From AdaServe Require Import Statement Lib Tree.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.
Local Close Scope Q_scope.

(** ** [best] picks an element that nothing in the list ranks before *)

Section Unbeaten.
Variables (T : eqType) (before : rel T).
Hypotheses (tr : transitive before) (irr : irreflexive before).
Hypothesis tot : forall a b, a != b -> before a b || before b a.

Lemma foldl_unbeaten acc s x : foldl (pick_better before) acc s = Some x ->
  forall y, y \in s \/ acc = Some y -> ~~ before y x.
Proof.
elim: s acc => [|z s IH] acc /= E y.
  rewrite E in_nil; case=> // - [<-]; by rewrite irr.
have IHz := IH _ E.
case=> [| Ay].
  rewrite inE => /orP [/eqP -> | ys]; last by apply: IHz; left.
  move: IHz; case: acc E => [b|] E IHz; rewrite /pick_better in IHz.
    case zb: (before z b) in IHz; first by apply: IHz; right.
    apply/negP => zx; have := IHz b (or_intror erefl).
    case: (b =P z) => [-> | /eqP bz]; first by rewrite zx.
    by have := tot bz; rewrite zb orbF => bz'; rewrite (tr bz' zx).
  by apply: IHz; right.
rewrite Ay /pick_better in IHz.
case zy: (before z y) in IHz; last by apply: IHz; right.
apply/negP => yx; have := IHz z (or_intror erefl).
by rewrite (tr zy yx).
Qed.

Lemma best_unbeaten s x : best before s = Some x ->
  forall y, y \in s -> ~~ before y x.
Proof. by move=> E y ys; apply: foldl_unbeaten E y (or_introl ys). Qed.

End Unbeaten.

Section OneTree.
Variable r : request.
Hypothesis wf : wf_request r.

(** ** Depth *)

Lemma depth_up_root k : depth_up r k (root r) = 0.
Proof. by case: k => //= k; rewrite par_root. Qed.

Lemma depth_root : depth r (root r) = 0.
Proof. exact: depth_up_root. Qed.

Lemma depth_up_stable k k' v : reaches_root r k v -> k <= k' ->
  depth_up r k' v = depth_up r k v.
Proof.
elim: k k' v => [|k IH] k' v /=.
  by rewrite orbF => /eqP -> _; rewrite !depth_up_root.
case/orP => [/eqP -> _ | ]; first by rewrite depth_up_root (par_root wf).
case E: (par r v) => [p|] // Hp; case: k' => [|k'] // le /=.
by rewrite E (IH k' p Hp le).
Qed.

Lemma depth_par v p : par r v = Some p -> depth r v = (depth r p).+1.
Proof.
move=> E; have [vn _] := par_some wf E.
have vr : v != root r by apply/eqP => Ev; rewrite Ev (par_root wf) in E.
have := reach wf vn; rewrite /depth.
case: (nodes r) (wf_nodes wf) => // n _ Hr.
have Hp : reaches_root r n p by move: Hr => /=; rewrite (negbTE vr) E.
by rewrite [LHS]/= E (depth_up_stable Hp (leqnSn n)).
Qed.

Lemma depth_gt0 v : v < nodes r -> v != root r -> 0 < depth r v.
Proof.
by move=> vn vr; have [p E] := par_nonroot wf vn vr; rewrite (depth_par E).
Qed.

(** ** The greedy's order is transitive, irreflexive and total *)

Lemma node_before_irr : irreflexive (node_before r).
Proof.
move=> u; apply/negbTE; rewrite /node_before !ltnn !andbF !orbF qltNge negbK.
by apply/qleP; apply: Qle_refl.
Qed.

Lemma node_before_trans : transitive (node_before r).
Proof.
move=> v u w; rewrite /node_before.
case/orP => [/qltP uv | /andP [/qeqP uv tuv]];
  case/orP => [/qltP vw | /andP [/qeqP vw tvw]].
- by apply/orP; left; apply/qltP; apply: Qlt_trans vw uv.
- by apply/orP; left; apply/qltP; rewrite -vw.
- by apply/orP; left; apply/qltP; rewrite uv.
apply/orP; right; apply/andP; split; first by apply/qeqP; rewrite uv.
case/orP: tuv => [duv | /andP [/eqP duv iuv]];
  case/orP: tvw => [dvw | /andP [/eqP dvw ivw]].
- by rewrite (ltn_trans duv dvw).
- by rewrite -dvw duv.
- by rewrite duv dvw.
by rewrite duv dvw eqxx (ltn_trans iuv ivw) orbT.
Qed.

Lemma node_before_total u v : u != v -> node_before r u v || node_before r v u.
Proof.
move=> uv; rewrite /node_before.
case: (qltP (f r v) (f r u)) => // fuv.
case: (qltP (f r u) (f r v)) => [_ | fvu]; first by rewrite orbT.
have E : qeq (f r u) (f r v).
  by apply/qeqP; apply: Qle_antisym; apply: Qnot_lt_le.
have E' : qeq (f r v) (f r u) by apply/qeqP; apply: Qeq_sym; apply/qeqP.
rewrite E E' /=.
case: (ltngtP (depth r u) (depth r v)) => //= _.
by case: (ltngtP u v) => // e; rewrite e eqxx in uv.
Qed.

(** ** The frontier greedy *)

Section Greedy.
Hypothesis mono : monotone r.

(** an unselected node has a frontier ancestor-or-self worth at least as
    much, at most as deep, and strictly less deep unless it is the node *)
Lemma frontier_ancestor_depth S u : root r \in S -> u < nodes r -> u \notin S ->
  exists2 a, a \in frontier r S &
  [/\ (f r u <= f r a)%Q, depth r a <= depth r u &
      a = u \/ depth r a < depth r u].
Proof.
move=> rS un uS.
have [k] : exists k, reaches_root r k u by exists (nodes r); apply: reach.
elim: k u un uS => [|k IH] u un uS /=.
  by rewrite orbF => /eqP Eu; rewrite Eu rS in uS.
case/orP => [/eqP Eu | ]; first by rewrite Eu rS in uS.
case E: (par r u) => [p|] // Hp.
case pS: (p \in S).
  exists u; first by apply/frontierP; split=> //; exists p.
  by split; [apply: Qle_refl | | left].
have [_ pn] := par_some wf E.
have [a aF [fa da _]] := IH p pn (negbT pS) Hp.
exists a => //; rewrite (depth_par E); split.
- exact: Qle_trans (mono_par wf mono E) fa.
- exact: leqW.
- by right; rewrite ltnS.
Qed.

Lemma tree_greedy_prefix j k : j <= k ->
  {subset tree_greedy r j <= tree_greedy r k}.
Proof.
move=> jk v; rewrite !(tree_greedyE wf) !inE => /orP [-> // | vj].
by rewrite -(subnKC jk) takeD mem_cat vj orbT.
Qed.

(** a non-root node of the k-step selection was GetTop at some step j < k *)
Lemma picked_at k v : v \in tree_greedy r k -> v != root r ->
  exists2 j, j < k & get_top r (tree_greedy r j) = Some v.
Proof.
rewrite (tree_greedyE wf) inE => /orP [/eqP -> | vk]; first by rewrite eqxx.
move=> _; have vo := mem_take vk.
have jo : index v (ord r) < size (ord r) by rewrite index_mem.
exists (index v (ord r)); first by move: vk; rewrite (in_take _ vo).
have E1 := growS r (index v (ord r)) [:: root r].
rewrite grow1 -!/(tree_greedy r _) in E1.
case E: (get_top r _) => [w|] in E1.
  rewrite E; move: E1; rewrite !(tree_greedyE wf) (take_nth 0 jo) rcons_cons.
  by move/(congr1 (last 0)); rewrite !last_cons !last_rcons nth_index // => ->.
have := congr1 size E1; rewrite !(size_tree_greedy wf).
have n1 : (index v (ord r)).+2 <= nodes r.
  by move: jo; rewrite (size_ord wf) -ltnS prednK ?(wf_nodes wf).
by rewrite (minn_idPl n1) (minn_idPl (ltnW n1)) => /eqP; rewrite eqn_leq ltnn.
Qed.

(** what the greedy's order puts before a selected node is selected *)
Lemma greedy_closed k v u : v \in tree_greedy r k -> v != root r ->
  u < nodes r -> node_before r u v -> u \in tree_greedy r k.
Proof.
move=> vk vr un uv; have [j jk E] := picked_at vk vr.
apply: (tree_greedy_prefix (ltnW jk)); apply/negPn/negP => uS.
have ok := tree_greedy_ok wf j.
have [a aF [fa da ad]] := frontier_ancestor_depth (state_root ok) un uS.
have : ~~ node_before r a v.
  apply: best_unbeaten E _ aF.
  - exact: node_before_trans.
  - exact: node_before_irr.
  - exact: node_before_total.
apply/negP/negPn; move: uv; rewrite /node_before.
case/orP => [/qltP lt | /andP [/qeqP eq t]].
  by apply/orP; left; apply/qltP; apply: Qlt_le_trans lt fa.
case: (qltP (f r v) (f r a)) => //= le.
have ea : qeq (f r a) (f r v).
  by apply/qeqP; apply: Qle_antisym; [exact: Qnot_lt_le | rewrite -eq].
rewrite ea /=; case: ad => [-> // | lt].
case/orP: t => [dt | /andP [/eqP duv _]]; first by rewrite (ltn_trans lt dt).
by rewrite -duv lt.
Qed.

End Greedy.

(** ** The beam *)

Definition layer (w d : nat) : seq nat := iter d (beam_layer r w) [:: root r].

Lemma mem_children L v : (v \in children_of r L) =
  (v < nodes r) && (if par r v is Some p then p \in L else false).
Proof. by rewrite mem_filter mem_iota add0n andbC. Qed.

Lemma layer_depth w d x : x \in layer w d -> depth r x = d.
Proof.
elim: d x => [|d IH] x /=; first by rewrite inE => /eqP ->; apply: depth_root.
rewrite mem_filter mem_children => /and3P [_ _].
case E: (par r x) => [p|] // pL.
by rewrite (depth_par E) (IH p pL).
Qed.

Lemma layer_in_beam w D d L : d <= D ->
  {subset iter d (beam_layer r w) L <= beam_from r w D L}.
Proof.
elim: D d L => [|D IH] d L le x.
  by case: d le => // _ ?.
case: d le => [_ | d le] xd; rewrite [beam_from _ _ _ _]/= mem_cat.
  by rewrite xd.
by apply/orP; right; apply: IH le _ _; rewrite -iterSr.
Qed.

Lemma depth_le_sel S v : v \in S -> depth r v <= sel_depth r S.
Proof.
elim: S => [|x S IH] //; rewrite inE /sel_depth /= => /orP [/eqP -> | vS].
  exact: leq_maxl.
exact: leq_trans (IH vS) (leq_maxr _ _).
Qed.

Section Corrected.
Hypothesis pr : premise_request r.
Variable b : nat.
Local Notation G := (tree_greedy r b).

Lemma greedy_in_layer d v : v \in G -> depth r v = d -> v \in layer b d.
Proof.
have mono := pr_mono pr.
have /andP [/andP [uG /allP inG] /andP [rG parG]] := tree_greedy_ok wf b.
elim: d v => [|d IH] v vG dv /=.
  rewrite inE; apply/negPn/negP => vr.
  by have := depth_gt0 (inG v vG) vr; rewrite dv.
have vr : v != root r by apply/eqP => Ev; rewrite Ev depth_root in dv.
have vn := inG v vG; have [p E] := par_nonroot wf vn vr.
have pG : p \in G by move/allP: parG => /(_ v vG); rewrite E.
have pL : p \in layer b d.
  by apply: IH pG _; move: dv; rewrite (depth_par E) => [[]].
set C := children_of r (layer b d).
have vC : v \in C by rewrite mem_children vn E.
rewrite mem_filter vC andbT -size_filter.
set X := [seq u <- C | beam_before r u v].
have XG : {subset v :: X <= [seq x <- G | x != root r]}.
  move=> u; rewrite inE mem_filter => /orP [/eqP -> | ]; first by rewrite vr vG.
  rewrite mem_filter => /andP [uv uC].
  move: (uC); rewrite mem_children => /andP [un].
  case Eu: (par r u) => [q|] // qL.
  have du : depth r u = depth r v.
    by rewrite (depth_par Eu) (layer_depth qL) dv.
  have ur : u != root r by apply/eqP => Eq; rewrite Eq (par_root wf) in Eu.
  rewrite ur /=; apply: (greedy_closed mono vG vr un).
  move: uv; rewrite /beam_before /node_before du ltnn eqxx /=.
  by case/orP => [-> // | /andP [-> ->]]; rewrite orbT.
have uX : uniq (v :: X).
  rewrite /= filter_uniq ?filter_uniq ?iota_uniq // andbT mem_filter.
  rewrite /beam_before ltnn andbF orbF qltNge; apply/nandP; left.
  by apply/negPn/qleP; apply: Qle_refl.
have := uniq_leq_size uX XG.
rewrite -nonroot_countE nonroot_count_tree_greedy //.
by move=> /= le; apply: leq_trans le (geq_minl _ _).
Qed.

Lemma greedy_in_beam D : sel_depth r G <= D -> {subset G <= beam r b D}.
Proof.
move=> le v vG; apply: (layer_in_beam (d := depth r v)).
  exact: leq_trans (depth_le_sel vG) le.
exact: greedy_in_layer.
Qed.

Lemma greedy_optimal_budget : optimal_budget r b G.
Proof.
have /andP [ok rt] := tree_greedy_ok wf b.
split=> //; first by rewrite nonroot_count_tree_greedy // geq_minl.
move=> S' ok' _ le'.
apply: Qle_trans (value_le_top wf (pr_nonneg pr) ok' le') _.
by rewrite (value_top wf b (pr_mono pr)); apply: Qle_refl.
Qed.

End Corrected.
End OneTree.

(** ** The counterexample: root with two children of f = 1/2, B = 1 *)

Definition req_siblings : request :=
  Request 1 [:: -1; 0; 0]%Z [:: 1; 1#2; 1#2]%Q.

Lemma siblings_optimal : optimal_budget req_siblings 1 [:: 0; 2].
Proof.
split; [by vm_compute | by vm_compute | by vm_compute | ].
move=> S' ok' _ le'.
have wf : wf_request req_siblings by vm_compute.
have nn : nonneg req_siblings by vm_compute.
apply: Qle_trans (value_le_top wf nn ok' le') _.
by apply/qleP; vm_compute.
Qed.

Example beam_of_siblings :
  [&& premise_request req_siblings, strict req_siblings,
      sel_depth req_siblings [:: 0; 2] == 1 &
      beam req_siblings 1 1 == [:: 0; 1]].
Proof. by vm_compute. Qed.
