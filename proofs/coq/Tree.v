(** * One tree: the frontier greedy, its order, and Lemmas C.1 and C.2

    Under [wf_request r] the single-tree frontier greedy ([grow]) only ever
    holds rooted node sets, and it gets stuck exactly when every node is
    selected.  Its selections are the prefixes [root :: take k (ord r)] of one
    order [ord r] of the non-root nodes.  Under the premise (f(child) <=
    f(parent)) this order is sorted by non-increasing f, so its prefix sums
    are the top-k sums [top_value r k]: Lemma C.2; the SLO phase stops at the
    first prefix that reaches the target: Lemma C.1. *)

From Coq Require Import ZArith QArith Lqa Lia.
From mathcomp Require Import ssreflect ssrbool ssrfun eqtype ssrnat seq path bigop.
From AdaServe Require Import Statement Lib.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.
Local Close Scope Q_scope.

(** ** [best]: the first element with the largest key *)

Section Best.
Variables (T : eqType) (before : T -> T -> bool) (key : T -> Q).
Hypothesis before_ge : forall a b, before a b -> (key b <= key a)%Q.
Hypothesis nbefore_le : forall a b, ~~ before a b -> (key a <= key b)%Q.

Lemma foldl_pick_Some b s : exists x, foldl (pick_better before) (Some b) s = Some x.
Proof.
elim: s b => [|y s IH] b /=; first by exists b.
by case: (before y b); apply: IH.
Qed.

Lemma best_None s : best before s = None -> s = [::].
Proof. by case: s => // y s; rewrite /best /=; case: (foldl_pick_Some y s) => x ->. Qed.

Lemma foldl_pick_spec acc s x :
  foldl (pick_better before) acc s = Some x ->
  [/\ forall y, y \in s -> (key y <= key x)%Q,
      forall b, acc = Some b -> (key b <= key x)%Q &
      x \in s \/ acc = Some x].
Proof.
elim: s acc => [|y s IH] acc /=.
  move=> ->; split=> //; [move=> b [->]; exact: Qle_refl | by right].
move=> H; have [H1 H2 H3] := IH _ H.
have [b' Eb' [Hy [Hb Hb']]] : exists2 b', pick_better before acc y = Some b' &
    (key y <= key b')%Q /\ (forall b, acc = Some b -> (key b <= key b')%Q) /\ (b' = y \/ acc = Some b').
  rewrite /pick_better; case: acc {H H2 H3} => [b|]; last first.
    by exists y => //; split; [apply: Qle_refl | split=> //; left].
  case E: (before y b).
  - exists y => //; split; first exact: Qle_refl.
    by split; [move=> b0 [<-]; apply: before_ge | left].
  - exists b => //; split; first by apply: nbefore_le; rewrite E.
    by split; [move=> b0 [<-]; apply: Qle_refl | right].
have kb' : (key b' <= key x)%Q by apply: H2.
split.
- move=> z; rewrite inE => /orP [/eqP -> | zs]; last exact: H1.
  exact: Qle_trans Hy kb'.
- by move=> b Eb; apply: Qle_trans (Hb b Eb) kb'.
- case: H3 => [xs | Ex]; first by left; rewrite inE xs orbT.
  rewrite Eb' in Ex; case: Ex => Ex; rewrite Ex in Hb'.
  by case: Hb' => [-> | ->]; [left; rewrite mem_head | right].
Qed.

Lemma best_mem s x : best before s = Some x -> x \in s.
Proof. by move=> /foldl_pick_spec [_ _ []]. Qed.

Lemma best_max s x : best before s = Some x -> forall y, y \in s -> (key y <= key x)%Q.
Proof. by move=> /foldl_pick_spec []. Qed.

End Best.

(** ** Well-formed trees *)

Lemma count1_nth (T : Type) (a : pred T) (s : seq T) (x0 : T) i :
  count a s = 1 -> i < size s -> a (nth x0 s i) -> i = find a s.
Proof.
move=> c1 lt ai.
have hs : has a s by rewrite has_count c1.
case: (ltngtP i (find a s)) => // [lt2 | lt2].
  by have := before_find x0 lt2; rewrite ai.
have : 2 <= count a s; last by rewrite c1.
rewrite -(cat_take_drop i s) count_cat (drop_nth x0 lt) /= ai.
have : has a (take i s).
  apply/(has_nthP x0); exists (find a s); first by rewrite size_take lt.
  by rewrite nth_take //; apply: nth_find.
by rewrite has_count /= add1n addnS ltnS => H; apply: leq_trans H (leq_addr _ _).
Qed.

Section WF.
Variable r : request.
Hypothesis wf : wf_request r.
Implicit Types (S W : seq nat).

Lemma wf_nodes : 0 < nodes r.
Proof. by case/and5P: wf. Qed.

Lemma wf_size_prob : size (prob r) = nodes r.
Proof. by case/and5P: wf => _ /eqP. Qed.

Lemma root_lt : root r < nodes r.
Proof.
case/and5P: wf => _ _ /eqP c1 _ _.
by rewrite /root /nodes -has_find has_count c1.
Qed.

Lemma par_root : par r (root r) = None.
Proof.
case/and5P: wf => _ _ /eqP c1 _ _.
have hs : has (fun z => z <? 0)%Z (parent r) by rewrite has_count c1.
have := nth_find (-1)%Z hs; rewrite /par -/(root r).
by case: (Z.leb_spec 0 (nth (-1)%Z (parent r) (root r))) => // H /Z.ltb_lt; lia.
Qed.

Lemma par_none v : v < nodes r -> par r v = None -> v = root r.
Proof.
case/and5P: wf => _ _ /eqP c1 _ _ vn.
rewrite /par; case: (Z.leb_spec 0 (nth (-1)%Z (parent r) v)) => // H _.
rewrite /root; apply: (count1_nth (x0 := (-1)%Z) c1 vn); exact/Z.ltb_lt.
Qed.

Lemma par_some v p : par r v = Some p -> v < nodes r /\ p < nodes r.
Proof.
case/and5P: wf => _ _ _ /(all_nthP (-1)%Z) rng _.
rewrite /par; case: (ltnP v (nodes r)) => vn; last first.
  by rewrite nth_default //; case: (Z.leb_spec 0 (-1)).
case: (Z.leb_spec 0 (nth (-1)%Z (parent r) v)) => // H [<-]; split=> //.
have := rng _ vn => /orP [/Z.eqb_eq E | /andP [_ /Z.ltb_lt lt]].
  by rewrite E in H.
apply/ltP; lia.
Qed.

Lemma par_nonroot v : v < nodes r -> v != root r -> exists p, par r v = Some p.
Proof.
move=> vn vr; case E: (par r v) => [p|]; first by exists p.
by have := par_none vn E; move/eqP: vr.
Qed.

Lemma reach v : v < nodes r -> reaches_root r (nodes r) v.
Proof. by case/and5P: wf => _ _ _ _ /allP H vn; apply: H; rewrite mem_iota. Qed.

(** ** The frontier *)

Lemma frontierP (S : seq nat) v :
  reflect [/\ v < nodes r, v \notin S & exists2 p, par r v = Some p & p \in S]
          (v \in frontier r S).
Proof.
rewrite mem_filter mem_iota add0n /=.
apply: (iffP idP) => [/andP [/andP [vS H] vn] | [vn vS [p E pS]]].
  by move: H; case E: (par r v) => [p|] // pS; split=> //; exists p.
by rewrite vS E pS vn.
Qed.

Lemma frontier_lt (S : seq nat) v : v \in frontier r S -> v < nodes r.
Proof. by case/frontierP. Qed.

(** every unselected node has an ancestor (or itself) on the frontier; on a
    monotone tree its f is at most that frontier node's *)
Lemma frontier_ancestor S u :
  root r \in S -> u < nodes r -> u \notin S ->
  exists2 a, a \in frontier r S & (monotone r -> f r u <= f r a)%Q.
Proof.
move=> rS un uS; have [k] : exists k, reaches_root r k u by exists (nodes r); apply: reach.
elim: k u un uS => [|k IH] u un uS /=.
  by rewrite orbF => /eqP Eu; rewrite Eu rS in uS.
case/orP => [/eqP Eu | ]; first by rewrite Eu rS in uS.
case E: (par r u) => [p|] // Hp.
case pS: (p \in S).
  exists u; first by apply/frontierP; split=> //; exists p.
  by move=> _; apply: Qle_refl.
have [_ pn] := par_some E.
have [a aF Ha] := IH p pn (negbT pS) Hp.
exists a => // mono; apply: Qle_trans (Ha mono).
move/allP: mono => /(_ u); rewrite mem_iota add0n un E => /(_ isT) /qleP //.
Qed.

Lemma mono_par v p : monotone r -> par r v = Some p -> (f r v <= f r p)%Q.
Proof.
move=> /allP mono E; have [vn _] := par_some E.
by move: (mono v); rewrite mem_iota add0n vn E => /(_ isT) /qleP.
Qed.

(** ** GetTop *)

Lemma node_before_ge a b : node_before r a b -> (f r b <= f r a)%Q.
Proof.
rewrite /node_before => /orP [/qltP H | /andP [/qeqP H _]]; first exact: Qlt_le_weak.
rewrite H; exact: Qle_refl.
Qed.

Lemma node_nbefore_le a b : ~~ node_before r a b -> (f r a <= f r b)%Q.
Proof. by rewrite /node_before negb_or => /andP [/qltP H _]; apply: Qnot_lt_le. Qed.

Lemma get_top_frontier (S : seq nat) v : get_top r S = Some v -> v \in frontier r S.
Proof. exact: (@best_mem nat_eqType _ (f r) (@node_before_ge) (@node_nbefore_le)). Qed.

Lemma get_top_max (S : seq nat) v : get_top r S = Some v -> forall u, u \in frontier r S -> (f r u <= f r v)%Q.
Proof. exact: (@best_max nat_eqType _ (f r) (@node_before_ge) (@node_nbefore_le)). Qed.

Lemma get_top_None S : get_top r S = None -> frontier r S = [::].
Proof. exact: (@best_None nat_eqType). Qed.

(** ** States of the single-tree greedy *)

Definition state_ok (S : seq nat) := node_set r S && rooted r S.

Lemma state_ok_root : state_ok [:: root r].
Proof.
rewrite /state_ok /node_set /rooted /= root_lt mem_head par_root //.
Qed.

(** adding a frontier node keeps a set rooted (any GetTop that picks one) *)
Lemma state_ok_frontier (S : seq nat) v :
  state_ok S -> v \in frontier r S -> state_ok (rcons S v).
Proof.
case/andP=> /andP [uS allS] /andP [rS parS] /frontierP [vn vS [p E pS]].
rewrite /state_ok /node_set /rooted rcons_uniq vS uS mem_rcons inE rS orbT /=.
apply/andP; split; first by rewrite all_rcons vn allS.
rewrite all_rcons E mem_rcons inE pS orbT /=.
apply/allP => w wS; move/allP: parS => /(_ w wS); case: (par r w) => // q qS.
by rewrite mem_rcons inE qS orbT.
Qed.

Lemma state_ok_rcons (S : seq nat) v : state_ok S -> get_top r S = Some v -> state_ok (rcons S v).
Proof. by move=> ok /get_top_frontier; apply: state_ok_frontier. Qed.

Lemma state_root S : state_ok S -> root r \in S.
Proof. by case/andP=> _ /andP []. Qed.

(** stuck exactly when every node is selected *)
Lemma stuck_full S : state_ok S -> get_top r S = None -> forall u, u < nodes r -> u \in S.
Proof.
move=> ok /get_top_None F u un; apply/negPn/negP => uS.
by have [a] := frontier_ancestor (state_root ok) un uS; rewrite F.
Qed.

Lemma state_size S : state_ok S -> size S <= nodes r.
Proof.
case/andP=> /andP [uS /allP allS] _.
rewrite -(size_iota 0 (nodes r)); apply: uniq_leq_size => // v vS.
by rewrite mem_iota add0n allS.
Qed.

Lemma full_size S : state_ok S -> (forall u, u < nodes r -> u \in S) -> size S = nodes r.
Proof.
move=> ok H; apply/eqP; rewrite eqn_leq state_size //=.
rewrite -{1}(size_iota 0 (nodes r)); apply: uniq_leq_size; first exact: iota_uniq.
by move=> v; rewrite mem_iota add0n; apply: H.
Qed.

Lemma full_stuck S : state_ok S -> size S = nodes r -> get_top r S = None.
Proof.
case/andP=> /andP [uS /allP allS] _ sz.
have all_in : forall u, u < nodes r -> u \in S.
  move=> u un; have P : perm_eq S (iota 0 (nodes r)).
    apply: uniq_perm => //; first exact: iota_uniq.
    have sub : {subset S <= iota 0 (nodes r)} by move=> v vS; rewrite mem_iota add0n allS.
    have le : size (iota 0 (nodes r)) <= size S by rewrite size_iota sz.
by have [_ E] := uniq_min_size uS sub le.
  by rewrite (perm_mem P) mem_iota add0n.
case E: (get_top r S) => [v|] //.
by have /frontierP [vn vS _] := get_top_frontier E; rewrite all_in in vS.
Qed.

(** ** [grow] *)

Lemma grow_stuck k S : get_top r S = None -> grow r k S = S.
Proof. by case: k => //= k ->. Qed.

Lemma growD k m S : grow r (k + m) S = grow r m (grow r k S).
Proof.
elim: k S => [|k IH] S //=.
case E: (get_top r S) => [v|]; first exact: IH.
by rewrite grow_stuck.
Qed.

Lemma grow1 S : grow r 1 S = if get_top r S is Some v then rcons S v else S.
Proof. by rewrite /=; case: get_top. Qed.

Lemma growS k S : grow r k.+1 S = grow r 1 (grow r k S).
Proof. by rewrite -addn1 growD. Qed.

Lemma grow_ok k S : state_ok S -> state_ok (grow r k S).
Proof.
elim: k S => [|k IH] S ok //=.
case E: (get_top r S) => [v|] //; exact/IH/(state_ok_rcons ok E).
Qed.

Lemma grow_prefix k S : exists T, grow r k S = S ++ T.
Proof.
elim: k S => [|k IH] S /=; first by exists [::]; rewrite cats0.
case: (get_top r S) => [v|]; last by exists [::]; rewrite cats0.
by case: (IH (rcons S v)) => T ->; exists (v :: T); rewrite -cats1 -catA.
Qed.

Lemma size_grow k S : state_ok S -> size (grow r k S) = minn (size S + k) (nodes r).
Proof.
elim: k S => [|k IH] S ok /=.
  by rewrite addn0; apply/esym/minn_idPl; apply: state_size.
case E: (get_top r S) => [v|].
  by rewrite IH ?(state_ok_rcons ok E) // size_rcons addSnnS.
rewrite (full_size ok (stuck_full ok E)); apply/esym/minn_idPr; exact: leq_addr.
Qed.

(** ** The order of the frontier greedy *)

Definition ord : seq nat := behead (tree_greedy r (nodes r).-1).

Lemma tree_greedy_full : tree_greedy r (nodes r).-1 = root r :: ord.
Proof.
rewrite /ord /tree_greedy; case: (grow_prefix (nodes r).-1 [:: root r]) => T -> //.
Qed.

Lemma tree_greedy_ok k : state_ok (tree_greedy r k).
Proof. exact/grow_ok/state_ok_root. Qed.

Lemma size_tree_greedy k : size (tree_greedy r k) = minn k.+1 (nodes r).
Proof. by rewrite size_grow ?state_ok_root // add1n. Qed.

Lemma size_ord : size ord = (nodes r).-1.
Proof.
have := size_tree_greedy (nodes r).-1; rewrite tree_greedy_full /= prednK ?minnn ?wf_nodes //.
by case: (nodes r) => // n [].
Qed.

Lemma take_prefix (T : Type) (s t : seq T) : take (size s) (s ++ t) = s.
Proof. by rewrite take_size_cat. Qed.

Lemma tree_greedyE k : tree_greedy r k = root r :: take k ord.
Proof.
have n0 := wf_nodes.
case: (leqP k (nodes r).-1) => le.
  have := growD k ((nodes r).-1 - k) [:: root r].
  rewrite subnKC // -/(tree_greedy r (nodes r).-1) -/(tree_greedy r k) tree_greedy_full.
  case: (grow_prefix ((nodes r).-1 - k) (tree_greedy r k)) => T -> E.
  have kn : k.+1 <= nodes r by rewrite -(prednK n0) ltnS.
  have := take_prefix (tree_greedy r k) T; rewrite -E size_tree_greedy (minn_idPl kn) /=.
  by move=> <-.
have full : size (tree_greedy r (nodes r).-1) = nodes r.
  by rewrite size_tree_greedy prednK // minnn.
rewrite -(subnKC (ltnW le)) /tree_greedy growD -/(tree_greedy r (nodes r).-1).
rewrite grow_stuck; last exact: full_stuck (tree_greedy_ok _) full.
by rewrite tree_greedy_full take_oversize // size_ord leq_addr.
Qed.

Lemma ord_uniq : uniq ord /\ root r \notin ord.
Proof.
have /andP [/andP [u _] _] := tree_greedy_ok (nodes r).-1.
by rewrite tree_greedy_full /= in u; case/andP: u.
Qed.

Lemma mem_ord v : (v \in ord) = (v \in nonroot r).
Proof.
have ok := tree_greedy_ok (nodes r).-1.
rewrite mem_filter mem_iota add0n /=.
apply/idP/idP.
- move=> vo; have : v \in tree_greedy r (nodes r).-1 by rewrite tree_greedy_full inE vo orbT.
  case/andP: ok => /andP [_ /allP A] _ /A ->; rewrite andbT.
  by apply/eqP => E; have [_] := ord_uniq; rewrite -E vo.
- case/andP=> vr vn.
  have full : size (tree_greedy r (nodes r).-1) = nodes r.
    by rewrite size_tree_greedy prednK ?minnn // wf_nodes.
  have := stuck_full ok (full_stuck ok full) vn.
  by rewrite tree_greedy_full inE (negbTE vr).
Qed.

Lemma nonroot_uniq : uniq (nonroot r).
Proof. exact/filter_uniq/iota_uniq. Qed.

Lemma size_nonroot : size (nonroot r) = (nodes r).-1.
Proof.
rewrite -size_ord; apply/esym/perm_size/uniq_perm; rewrite ?nonroot_uniq //.
  by case: ord_uniq.
exact: mem_ord.
Qed.

(** values of nodes out of range are 0 (the default of [nth]) *)
Lemma f_ge0 : nonneg r -> forall v, (0 <= f r v)%Q.
Proof.
move=> /allP nn v; case: (ltnP v (nodes r)) => vn.
  by apply/qleP; apply: nn; rewrite mem_iota add0n vn.
by rewrite /f nth_default ?wf_size_prob //; apply: Qle_refl.
Qed.

Lemma mass_sum : mass r = \qsum_(v <- iota 0 (nodes r)) f r v.
Proof.
rewrite /mass qsumE -{1}(mkseq_nth 0%Q (prob r)) /mkseq big_map wf_size_prob //.
Qed.

(** ** Sorted by non-increasing f (needs the premise) *)

Section Sorted.
Hypothesis mono : monotone r.

Lemma tree_greedy_sorted k :
  pairwise (geF (f r)) (take k ord) /\
  forall u x, u < nodes r -> u \notin tree_greedy r k -> x \in take k ord -> (f r u <= f r x)%Q.
Proof.
elim: k => [|k [IHp IHd]]; first by rewrite take0.
have ok := tree_greedy_ok k.
have E1 := growS k [:: root r]; rewrite grow1 -/(tree_greedy r k) -/(tree_greedy r k.+1) in E1.
case E: (get_top r (tree_greedy r k)) => [v|] in E1; last first.
  (* stuck: nothing changes *)
  have Et : take k.+1 ord = take k ord by move: E1; rewrite !tree_greedyE => [[]].
  by rewrite Et E1; split.
have /frontierP [vn vS _] := get_top_frontier E.
have Hv : forall u, u < nodes r -> u \notin tree_greedy r k -> (f r u <= f r v)%Q.
  move=> u un uS; have [a aF Ha] := frontier_ancestor (state_root ok) un uS.
  exact: Qle_trans (Ha mono) (get_top_max E aF).
have Etake : take k.+1 ord = rcons (take k ord) v.
  by move: E1; rewrite !tree_greedyE rcons_cons => [[]].
have vx : forall x, x \in take k ord -> (f r v <= f r x)%Q by move=> x; apply: IHd.
rewrite Etake; split.
  rewrite -cats1 pairwise_cat IHp /= andbT; apply/allrelP => x y xT; rewrite inE => /eqP ->.
  by apply/qleP; apply: vx.
move=> u x un; rewrite E1 mem_rcons inE negb_or => /andP [uv uS].
rewrite mem_rcons inE => /orP [/eqP -> | xT]; first exact: Hv.
exact: IHd.
Qed.

Lemma ord_sorted : pairwise (geF (f r)) ord.
Proof.
have [H _] := tree_greedy_sorted (nodes r).-1.
by rewrite take_oversize ?size_ord in H.
Qed.

End Sorted.

(** ** Top-k values *)

Definition sigma : seq nat := sort (geF (f r)) (nonroot r).

Lemma geF_total : total (geF (f r)).
Proof.
move=> x y; rewrite /geF; case: (qleP (f r y) (f r x)) => //= H.
by apply/qleP; apply: Qlt_le_weak; apply: Qnot_le_lt.
Qed.

Lemma sigma_props : [/\ pairwise (geF (f r)) sigma, uniq sigma & sigma =i nonroot r].
Proof.
split; first by rewrite -sorted_pairwise ?sort_sorted //; [exact: geF_total | exact: geF_trans].
  by rewrite sort_uniq nonroot_uniq.
exact: mem_sort.
Qed.

Lemma top_valueE k : top_value r k = (f r (root r) + \qsum_(x <- take k sigma) f r x)%Q.
Proof. by rewrite /top_value /sorted_values sort_map -map_take qsum_map. Qed.

Lemma size_sorted_values : size (sorted_values r) = (nodes r).-1.
Proof. by rewrite /sorted_values size_sort size_map size_nonroot. Qed.

Lemma value_tree_greedy k : value r (tree_greedy r k) = (f r (root r) + \qsum_(x <- take k ord) f r x)%Q.
Proof. by rewrite tree_greedyE /value qsum_map big_cons. Qed.

Lemma value_top k : monotone r -> (value r (tree_greedy r k) == top_value r k)%Q.
Proof.
move=> mono; rewrite value_tree_greedy top_valueE.
have [ps us ms] := sigma_props; have [uo _] := ord_uniq.
have E : ord =i sigma by move=> x; rewrite mem_ord ms.
have := sorted_prefix_sums k (ord_sorted mono) ps uo us E.
move=> H; rewrite H; exact: Qeq_refl.
Qed.

(** Lemma C.2's core: k distinct non-root nodes are worth at most the top-k value *)
Lemma top_value_bound W k : nonneg r -> uniq W -> {subset W <= nonroot r} -> size W <= k ->
  (f r (root r) + \qsum_(x <- W) f r x <= top_value r k)%Q.
Proof.
move=> nn uW sub le; rewrite top_valueE.
have [ps us ms] := sigma_props.
have sub' : {subset W <= sigma} by move=> x xW; rewrite ms; apply: sub.
have := @topk_max_le _ (f r) sigma W k ps uW sub' le (fun x _ => @f_ge0 nn x).
exact: Qle_add2l.
Qed.

Lemma top_value_mono k1 k2 : nonneg r -> k1 <= k2 -> (top_value r k1 <= top_value r k2)%Q.
Proof.
move=> nn le; rewrite !top_valueE.
have := @sum_take_mono _ (f r) sigma k1 k2 le (fun x _ => @f_ge0 nn x).
exact: Qle_add2l.
Qed.

(** the root's part of a node set's value *)
Lemma root_part W : uniq W ->
  \qsum_(v <- W | v == root r) f r v = if root r \in W then f r (root r) else 0%Q.
Proof.
move=> uW; rewrite -big_filter; case: ifP => rW.
  by rewrite (filter_pred1_uniq uW rW) big_seq1.
have -> : [seq v <- W | v == root r] = [::].
  have : ~~ has (pred1 (root r)) W by rewrite has_pred1 rW.
  by rewrite has_filter negbK => /eqP.
by rewrite big_nil.
Qed.

(** a node set's value: its root part is at most f(root) *)
Lemma value_split W : nonneg r -> uniq W ->
  (value r W <= f r (root r) + \qsum_(x <- [seq v <- W | v != root r]) f r x)%Q.
Proof.
move=> nn uW; rewrite /value qsum_map (bigID (fun v => v == root r)) /= big_filter root_part //.
case: (root r \in W); first by apply: Qle_refl.
by rewrite Qplus0l_L; apply: Qle_addl; apply: f_ge0.
Qed.

Lemma value_rooted W : uniq W -> root r \in W ->
  value r W = (f r (root r) + \qsum_(x <- [seq v <- W | v != root r]) f r x)%Q.
Proof.
by move=> uW rW; rewrite /value qsum_map (bigID (fun v => v == root r)) /= big_filter root_part // rW.
Qed.

Lemma nonroot_filter_sub W : node_set r W -> {subset [seq v <- W | v != root r] <= nonroot r}.
Proof.
case/andP=> _ /allP A v; rewrite !mem_filter mem_iota add0n => /andP [-> /A ->] //.
Qed.

Lemma nonroot_countE W : nonroot_count r W = size [seq v <- W | v != root r].
Proof. by rewrite size_filter. Qed.

(** any node set with k non-root nodes is worth at most the top-k value *)
Lemma value_le_top W k : nonneg r -> node_set r W -> nonroot_count r W <= k ->
  (value r W <= top_value r k)%Q.
Proof.
move=> nn ok le; have uW : uniq W by case/andP: ok.
apply: Qle_trans (value_split nn uW) _.
apply: top_value_bound => //; first exact: filter_uniq.
  exact: nonroot_filter_sub.
by rewrite -nonroot_countE.
Qed.

Lemma value_le_mass W : nonneg r -> node_set r W -> (value r W <= mass r)%Q.
Proof.
move=> nn /andP [uW /allP A]; rewrite mass_sum /value qsum_map.
apply: qsum_sub_le => //; first exact: iota_uniq.
  by move=> v vW; rewrite mem_iota add0n A.
by move=> v _; apply: f_ge0.
Qed.

Lemma value_full S : state_ok S -> size S = nodes r -> value r S = mass r.
Proof.
case/andP=> /andP [uS /allP A] _ sz; rewrite mass_sum /value qsum_map.
apply: perm_big; apply: uniq_perm => //; first exact: iota_uniq.
have sub : {subset S <= iota 0 (nodes r)} by move=> v vS; rewrite mem_iota add0n A.
have le : size (iota 0 (nodes r)) <= size S by rewrite size_iota sz.
by have [_ E] := uniq_min_size uS sub le.
Qed.

(** ** The SLO phase *)

Lemma value_rcons (S : seq nat) v : value r (rcons S v) = (value r S + f r v)%Q.
Proof. by rewrite /value !qsum_map -cats1 big_cat big_seq1. Qed.

Lemma slo_loop_spec fuel S acc : (acc == value r S)%Q ->
  exists t, [/\ slo_loop r fuel S acc = (grow r t S, (slo_loop r fuel S acc).2),
    ((slo_loop r fuel S acc).2 == value r (grow r t S))%Q,
    size (grow r t S) = size S + t,
    forall j, j < t -> qlt (value r (grow r j S)) (target r) &
    [\/ qle (target r) (slo_loop r fuel S acc).2, get_top r (grow r t S) = None | t = fuel]].
Proof.
elim: fuel S acc => [|k IH] S acc Hacc.
  by exists 0; split=> //=; [rewrite addn0 | constructor 3].
rewrite /=; case L: (qlt acc (target r)); last first.
  exists 0; split=> //=; first by rewrite addn0.
  by constructor 1; rewrite qltNge in L; move/negbFE: L.
case E: (get_top r S) => [v|]; last first.
  by exists 0; split=> //=; [rewrite addn0 | constructor 2].
have Hacc' : (acc + f r v == value r (rcons S v))%Q by rewrite value_rcons Hacc; apply: Qeq_refl.
case: (IH _ _ Hacc') => t [E1 E2 E3 E4 E5].
exists t.+1; rewrite /= E; split=> //.
- by rewrite E3 size_rcons addSnnS.
- case=> [_ | j lt] /=; first by apply/qltP; rewrite -Hacc; apply/qltP.
  by rewrite E; apply: E4.
- by case: E5 => [H | H | ->]; [constructor 1 | constructor 2 | constructor 3].
Qed.

Lemma slo_phase_spec :
  exists t, [/\ (slo_phase r).1 = tree_greedy r t, ((slo_phase r).2 == value r (tree_greedy r t))%Q,
    t < nodes r, forall j, j < t -> qlt (value r (tree_greedy r j)) (target r) &
    qle (target r) (slo_phase r).2 \/ get_top r (tree_greedy r t) = None].
Proof.
have H0 : (f r (root r) == value r [:: root r])%Q by rewrite /value /= Qplus0r_L; apply: Qeq_refl.
have [t [E1 E2 E3 E4 E5]] := slo_loop_spec (nodes r) H0.
rewrite /slo_phase; exists t; rewrite E1 /=.
have lt : t < nodes r.
  by have := state_size (tree_greedy_ok t); rewrite /tree_greedy E3.
split; [by [] | exact: E2 | exact: lt | exact: E4 | ].
by case: E5 => [H | H | E]; [left | right | rewrite E ltnn in lt].
Qed.

Section Premise.
Hypothesis pr : premise_request r.

Lemma pr_mono : monotone r. Proof. by case/and4P: pr. Qed.
Lemma pr_nonneg : nonneg r. Proof. by case/and4P: pr. Qed.

(** the SLO count: [Some q] iff prefix q is the first to reach the target *)
Lemma quota_spec :
  match quota r with
  | Some q => [/\ q < nodes r, (slo_phase r).1 = tree_greedy r q,
               qle (target r) (value r (tree_greedy r q)) &
               forall j, j < q -> qlt (value r (tree_greedy r j)) (target r)]
  | None => (mass r < target r)%Q /\ forall W, node_set r W -> (value r W < target r)%Q
  end.
Proof.
have [t [E1 E2 lt E4 E5]] := slo_phase_spec.
rewrite /quota; case: (slo_phase r) E1 E2 E5 => S acc /= -> E2 E5.
case: ifP => [Hle | Hlt].
  rewrite size_tree_greedy (minn_idPl lt) /=; split=> //.
  by apply/qleP; rewrite -E2; apply/qleP.
case: E5 => [H | H]; first by rewrite H in Hlt.
have full : size (tree_greedy r t) = nodes r.
  exact: full_size (tree_greedy_ok t) (stuck_full (tree_greedy_ok t) H).
have Hm : (mass r < target r)%Q.
  rewrite -(value_full (tree_greedy_ok t) full); rewrite -E2.
  by apply: Qnot_le_lt => /qleP; rewrite Hlt.
split=> // W okW; apply: Qle_lt_trans Hm; exact: value_le_mass pr_nonneg okW.
Qed.

Lemma first_reach_some tgt acc k vals j :
  j <= size vals -> qle tgt (acc + qsum (take j vals)) ->
  (forall i, i < j -> qlt (acc + qsum (take i vals)) tgt) ->
  first_reach tgt acc k vals = Some (k + j).
Proof.
elim: vals acc k j => [|x vs IH] acc k [|j] //= le Hj Hi.
- by rewrite addn0; move: Hj; rewrite /= Qplus0r_L => ->.
- by rewrite addn0; move: Hj; rewrite /= Qplus0r_L => ->.
- have := Hi 0 isT; rewrite /= Qplus0r_L qltNge => /negbTE ->.
  rewrite addnS -addSn; apply: IH => //.
  + by move: Hj; rewrite QplusA_L.
  + by move=> i lt; have := Hi i.+1 lt; rewrite /= QplusA_L.
Qed.

Lemma first_reach_none tgt acc k vals :
  (forall i, i <= size vals -> qlt (acc + qsum (take i vals)) tgt) ->
  first_reach tgt acc k vals = None.
Proof.
elim: vals acc k => [|x vs IH] acc k Hi /=.
  by have := Hi 0 isT; rewrite /= Qplus0r_L qltNge => /negbTE ->.
have := Hi 0 isT; rewrite /= Qplus0r_L qltNge => /negbTE ->.
by apply: IH => i le; have := Hi i.+1 le; rewrite /= QplusA_L.
Qed.

(** the certificate's sorted bound and the greedy's count agree *)
Lemma min_count_bound_quota : min_count_bound r = quota r.
Proof.
have := quota_spec; rewrite /min_count_bound; case: (quota r) => [q [lt _ Hq Hj] | [Hm _]].
- rewrite -(add0n q); apply: first_reach_some.
  + by rewrite size_sorted_values -ltnS prednK // wf_nodes.
  + have := value_top q pr_mono; rewrite -/(top_value r q) => E.
    by apply/qleP; rewrite -E; apply/qleP.
  + move=> i lti; have := value_top i pr_mono; rewrite -/(top_value r i) => E.
    by apply/qltP; rewrite -E; apply/qltP; apply: Hj.
- apply: first_reach_none => i le; rewrite -/(top_value r i).
  apply/qltP; apply: Qle_lt_trans Hm.
  rewrite -(value_top i pr_mono); apply: value_le_mass pr_nonneg _.
  by case/andP: (tree_greedy_ok i).
Qed.

End Premise.
End WF.

(** the frontier greedy's k-step selection has min(k, n - 1) non-root nodes *)
Lemma nonroot_count_tree_greedy r k : wf_request r ->
  nonroot_count r (tree_greedy r k) = minn k (nodes r).-1.
Proof.
move=> wf; rewrite (tree_greedyE wf) /nonroot_count /= eqxx /=.
have [_ rO] := ord_uniq wf.
rewrite (eq_in_count (a2 := predT)) ?count_predT ?size_take ?(size_ord wf).
  by [].
move=> v /mem_take vO /=; apply/eqP => E; by rewrite -E vO in rO.
Qed.
