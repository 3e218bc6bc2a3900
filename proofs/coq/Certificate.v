(** * The certificate checker is sound, and accepts the greedy's certificates

    Soundness ([check_sound]) follows docs/certificates.md: an INVALID
    certificate's counts are lower bounds on what any feasible set needs
    (the sorted bound of [top_value]); an OK certificate's lambda gives, per
    request, value(S') - value(S) <= lambda (m' - m) by an exchange
    ([exchange] in Lib.v), and the budget condition makes the sum <= 0.  It
    needs trees that are well formed with values >= 0, nothing else.

    Acceptance ([greedy_certified]) uses Tree.v and Greedy.v: under the
    premise, the greedy's sets are top-m sets whose counts are at least the
    quotas, the quotas are the certificate's sorted bounds, and lambda
    separates what is chosen beyond a quota from what is not chosen. *)

From Coq Require Import ZArith QArith Lqa Lia.
From mathcomp Require Import ssreflect ssrbool ssrfun eqtype ssrnat seq path bigop.
From AdaServe Require Import Statement Lib Tree Greedy.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.
Local Close Scope Q_scope.

Local Notation qn n := (inject_Z (Z.of_nat n)).

(** ** One request *)

Section Row.
Variable r : request.
Hypotheses (wf : wf_request r) (nn : nonneg r).
Implicit Types (S W : seq nat).

Lemma mem_nonroot u : (u \in nonroot r) = (u != root r) && (u < nodes r).
Proof. by rewrite mem_filter mem_iota add0n. Qed.

Lemma mem_rest S u : (u \in rest r S) = [&& u \notin S, u != root r & u < nodes r].
Proof. by rewrite /rest mem_filter mem_nonroot. Qed.

Lemma all_picked (P : pred Q) S :
  all P (picked r S) = all (fun v => P (f r v)) [seq v <- S | v != root r].
Proof. by rewrite /picked all_sort all_map. Qed.

Lemma size_picked S : size (picked r S) = nonroot_count r S.
Proof. by rewrite /picked size_sort size_map nonroot_countE. Qed.

Lemma size_rooted S : node_set r S -> rooted r S -> size S = (nonroot_count r S).+1.
Proof.
case/andP=> uS _ /andP [rS _].
rewrite /nonroot_count -(count_predC (fun v => v != root r) S) -addn1; congr (_ + _).
have E := count_uniq_mem (root r) uS; rewrite rS /= in E; rewrite -E.
by apply: eq_count => v /=; rewrite negbK.
Qed.

(** a shortfall witness is a lower bound on any set reaching the target *)
Lemma shortfall_bound n w S : shortfall_ok r n w -> node_set r S -> reaches_target r S ->
  n <= nonroot_count r S.
Proof.
case/orP => [/eqP -> // | /and3P [_ /qltP Hlt _]] ok /qleP reach.
rewrite leqNgt; apply/negP => lt.
have le : nonroot_count r S <= n.-1 by rewrite -ltnS prednK // (leq_ltn_trans _ lt).
have := value_le_top wf nn ok le.
by move=> H; have := Qle_trans _ _ _ reach H; apply: Qlt_not_le.
Qed.

Lemma unreachable_bound S : qlt (mass r) (target r) -> node_set r S -> ~~ reaches_target r S.
Proof.
move=> /qltP Hm ok; apply/negP => /qleP reach.
have := Qle_trans _ _ _ reach (value_le_mass wf nn ok).
by apply: Qlt_not_le.
Qed.

(** the exchange for one request: [S] certified, [S'] any feasible set *)
Lemma row_exchange (lam : Q) S S' m n w :
  node_set r S -> rooted r S -> node_set r S' -> rooted r S' -> reaches_target r S' ->
  optimal_row_ok lam r (S, (m, (n, w))) ->
  (value r S' + lam * qn (nonroot_count r S) <= value r S + lam * qn (nonroot_count r S'))%Q.
Proof.
move=> okS rtS okS' rtS' reach /and5P [/eqP Em nm Hsf /allP Htop /andP [Hdrop /allP Hrest]].
have uS : uniq S by case/andP: okS.
have uS' : uniq S' by case/andP: okS'.
have rS : root r \in S by case/andP: rtS.
have rS' : root r \in S' by case/andP: rtS'.
rewrite (value_rooted uS rS) (value_rooted uS' rS') !nonroot_countE.
set C := [seq v <- S | v != root r]; set W := [seq v <- S' | v != root r].
have inW : forall u, u \in W -> u \notin C -> u \in rest r S.
  move=> u; rewrite mem_rest /W /C !mem_filter => /andP [ur uin] /nandP [/negbNE ur' | uC].
    by rewrite ur' in ur.
  by rewrite uC ur /=; case/andP: okS' => _ /allP /(_ u uin).
have H := @exchange _ (f r) lam C W (filter_uniq _ uS) (filter_uniq _ uS').
have /H {}H : forall u, u \in W -> u \notin C -> (f r u <= lam)%Q.
  by move=> u uW uC; apply/qleP; apply: Hrest; apply: inW.
have /H {}H : forall u x, u \in W -> u \notin C -> x \in C -> (f r u <= f r x)%Q.
  move=> u x uW uC xC; have := Htop u (inW u uW uC); rewrite all_picked => /allP /(_ x xC).
  by move/qleP.
have /H {}H : (size C <= size W) || all (fun x => qle lam (f r x)) C.
  case: (leqP (size C) (size W)) => //= lt.
  have nlt : n < size (picked r S).
    by rewrite size_picked nonroot_countE; apply: leq_ltn_trans lt;
       rewrite -nonroot_countE; apply: shortfall_bound Hsf okS' reach.
  have tot : total (fun x y : Q => Qle_bool y x).
    move=> x y; case: (Qlt_le_dec x y) => Hxy; apply/orP; [right | left]; apply/Qle_bool_iff => //.
    exact: Qlt_le_weak.
  by have := sorted_desc_drop (sort_sorted tot _) nlt Hdrop; rewrite all_picked.
move: H; set a := \qsum_(x <- W) f r x; set b := \qsum_(x <- C) f r x.
rewrite -/a -/b; lra.
Qed.

End Row.

(** ** The whole instance *)

Section Instance.
Variable inst : instance.
Local Notation rs := (requests inst).
Local Notation N := (size (requests inst)).
Local Notation R i := (req inst i).
Hypotheses (wf : wf_instance inst) (nn : all nonneg (requests inst)).
Implicit Types (sel : selection).

Lemma nonneg_req i : i < N -> nonneg (R i).
Proof. exact: all_req. Qed.

Lemma feasible_nth sel : feasible inst sel ->
  [/\ size sel = N,
      forall i, i < N -> [/\ node_set (R i) (nth [::] sel i), rooted (R i) (nth [::] sel i)
                           & reaches_target (R i) (nth [::] sel i)] &
      (Z.of_nat (nodes_used inst sel) <= budget inst)%Z].
Proof.
case/and3P => /eqP sz /(all_zip_nthP dummy_request [::]) H /Z.leb_le bud.
split=> // i iN; have := H (esym sz) i iN; rewrite /= => /and3P [] //.
Qed.

Lemma used_nonroot sel : feasible inst sel ->
  (Z.of_nat (sumn [seq nonroot_count (R i) (nth [::] sel i) | i <- iota 0 N]) <= node_budget inst)%Z.
Proof.
move=> F; have [sz H bud] := feasible_nth F.
move: bud; rewrite /nodes_used.
rewrite (@sumn_zip_nth _ _ dummy_request [::] (fun r S => if root_charged inst
          then size S + (root r \notin S) else nonroot_count r S)) ?sz //= /node_budget /req.
case: (root_charged inst) => /=; last by lia.
have -> : [seq size (nth [::] sel i) + (root (nth dummy_request rs i) \notin nth [::] sel i)
          | i <- iota 0 N] = [seq (nonroot_count (R i) (nth [::] sel i)).+1 | i <- iota 0 N].
  apply/eq_in_map => i; rewrite mem_iota add0n => iN.
  have [ok rt _] := H i iN; have rS : root (R i) \in nth [::] sel i by case/andP: rt.
  by rewrite rS addn0 (size_rooted ok rt).
by rewrite sumn_add1 size_iota Nat2Z.inj_add /req; lia.
Qed.

(** an INVALID certificate that the checker accepts proves that nothing is feasible *)
Lemma check_invalid_sound mc wit sel : check_invalid inst mc wit -> ~~ feasible inst sel.
Proof.
case/and4P => /eqP szm /eqP szw /(all2_nthP dummy_request (None, None)) [_ rows] fin.
apply/negP => F; have [sz H _] := feasible_nth F.
have row : forall i, i < N -> invalid_row_ok (R i) (nth None mc i, nth None wit i).
  by move=> i iN; rewrite -nth_zip ?szm ?szw //; apply: rows.
have some : forall i, i < N -> exists k, nth None mc i = Some k /\ k <= nonroot_count (R i) (nth [::] sel i).
  move=> i iN; have [ok rt reach] := H i iN; move: (row i iN); rewrite /invalid_row_ok /=.
  case: (nth None mc i) => [k|] /= Hk.
    by exists k; split=> //; apply: (shortfall_bound (wf_req wf iN) (nonneg_req iN) Hk ok reach).
  by have := unreachable_bound (wf_req wf iN) (nonneg_req iN) Hk ok; rewrite reach.
case/orP: fin => [Nmc | /Z.ltb_lt lt].
  have := some (index None mc); rewrite -szm index_mem Nmc nth_index // => /(_ isT) [k [] //].
have := used_nonroot F.
move: lt; set A := (X in (_ < Z.of_nat X)%Z) => lt.
have : A <= sumn [seq nonroot_count (R i) (nth [::] sel i) | i <- iota 0 N].
  rewrite /A (sumn_map_nth None) szm; apply: sumn_le_in => i; rewrite mem_iota add0n => iN.
  by have [k [-> le]] := some i iN.
move=> /leP; lia.
Qed.

Lemma objective_nth sel : size sel = N ->
  objective inst sel = \qsum_(i <- iota 0 N) value (R i) (nth [::] sel i).
Proof.
by move=> sz; rewrite /objective qsum_map (zip_iota dummy_request [::]) ?sz // big_map.
Qed.

(** an OK certificate that the checker accepts proves its selection optimal *)
Lemma check_optimal_sound sets obj counts quotas qwit lam :
  check_optimal inst sets obj counts quotas qwit lam -> optimal inst sets.
Proof.
move=> /andP [F /andP [_ /andP [_ /andP [/qleP lam0 /andP [/eqP szc
         /andP [/eqP szq /andP [/eqP szw /andP [rows fin]]]]]]]].
split=> // sel' F'.
have [sz H _] := feasible_nth F; have [sz' H' _] := feasible_nth F'.
have szz : size (zip sets (zip counts (zip quotas qwit))) = N.
  by rewrite !size_zip sz szc szq szw !minnn.
move/(all2_nthP dummy_request ([::], (0, (0, None)))): rows => [_ rows].
pose m i := nonroot_count (R i) (nth [::] sets i).
pose m' i := nonroot_count (R i) (nth [::] sel' i).
have per : forall i, i \in iota 0 N ->
    (value (R i) (nth [::] sel' i) + lam * qn (m i) <= value (R i) (nth [::] sets i) + lam * qn (m' i))%Q.
  move=> i; rewrite mem_iota add0n => iN.
  have [ok rt _] := H i iN; have [ok' rt' reach'] := H' i iN.
  have := rows i iN.
  rewrite !nth_zip ?size_zip ?szc ?szq ?szw ?sz ?minnn // => Hrow.
  exact: (row_exchange (wf_req wf iN) (nonneg_req iN) ok rt ok' rt' reach' Hrow).
have sum := ler_qsum per; rewrite !big_split /= in sum.
have E1 := qsum_mul_nat lam m (iota 0 N); have E2 := qsum_mul_nat lam m' (iota 0 N).
rewrite (objective_nth sz) (objective_nth sz').
have budget' := used_nonroot F'.
(* either the budget is spent, or every node is selected *)
have cmp : sumn (map m' (iota 0 N)) <= sumn (map m (iota 0 N)).
  case/orP: fin => [/Z.eqb_eq spent | /eqP none].
    have : sumn [seq (size S).-1 | S <- sets] = sumn (map m (iota 0 N)).
      rewrite (sumn_map_nth [::]) sz; apply: congr1; apply/eq_in_map => i.
      rewrite mem_iota add0n => iN; have [ok rt _] := H i iN.
      by rewrite (size_rooted ok rt).
    move=> E; move: budget'; rewrite -/(m' _) -E.
    have -> : [seq nonroot_count (R i) (nth [::] sel' i) | i <- iota 0 N] = map m' (iota 0 N) by [].
    by move=> b; apply/leP; lia.
  apply: sumn_le_in => i; rewrite mem_iota add0n => iN.
  have [ok rt _] := H i iN; have [ok' rt' _] := H' i iN.
  have rest0 : rest (R i) (nth [::] sets i) = [::].
    move: none; rewrite (@sumn_zip_nth _ _ dummy_request [::] (fun r S => size (rest r S))) ?sz // => /eqP.
    rewrite sumn_eq0 all_map => /allP /(_ i); rewrite mem_iota add0n iN /= size_eq0 => /(_ isT) /eqP //.
  rewrite /m /m' !nonroot_countE; apply: uniq_leq_size.
    by apply: filter_uniq; case/andP: ok'.
  move=> u; rewrite !mem_filter => /andP [ur uS'].
  rewrite ur /=; apply/negPn/negP => uS.
  have : u \in rest (R i) (nth [::] sets i).
    rewrite mem_rest uS ur /=; by case/andP: ok' => _ /allP /(_ u uS').
  by rewrite rest0.
have : (lam * qn (sumn (map m' (iota 0 N))) <= lam * qn (sumn (map m (iota 0 N))))%Q.
  have : (qn (sumn (map m' (iota 0 N))) <= qn (sumn (map m (iota 0 N))))%Q.
    by rewrite -Zle_Qle; apply: inj_le; apply/leP.
  move: (qn _) (qn _) => a b; nra.
move: sum E1 E2; set o := \qsum_(i <- iota 0 N) value (R i) (nth [::] sets i).
set o' := \qsum_(i <- iota 0 N) value (R i) (nth [::] sel' i).
set a := \qsum_(i <- iota 0 N) (lam * qn (m i)); set a' := \qsum_(i <- iota 0 N) (lam * qn (m' i)).
lra.
Qed.

Lemma check_sound a obj c : check inst a obj c ->
  match a with OK sets => optimal inst sets | INVALID => forall sel, ~~ feasible inst sel end.
Proof.
case: a c => [sets|] [counts quotas qwit lam | mc wit |] //=.
  exact: check_optimal_sound.
by move=> H sel; apply: check_invalid_sound H.
Qed.

End Instance.

(** ** The greedy's certificate is accepted *)

Lemma all_isSome_None (s : seq (option nat)) : all isSome s = (None \notin s).
Proof. by elim: s => [|[x|] s IH] //=; rewrite inE IH. Qed.

Section Accept.
Variable inst : instance.
Local Notation rs := (requests inst).
Local Notation N := (size (requests inst)).
Local Notation R i := (req inst i).
Hypothesis pr : premise inst.
Let wf := premise_wf pr.
Let nn : all nonneg rs := sub_all (fun r => (@pr_nonneg r)) pr.
Implicit Types (sets : selection).

Lemma map_mcb : map min_count_bound rs = map quota rs.
Proof.
have : all premise_request rs := pr.
elim: rs => [|r s IH] //= /andP [pr1 ps]; rewrite IH //.
by rewrite (min_count_bound_quota _ pr1) //; case/and4P: pr1.
Qed.

Lemma shortfall_quota r q : premise_request r -> quota r = Some q ->
  shortfall_ok r q (shortfall_witness r (Some q)).
Proof.
move=> pr1 E; have wf1 : wf_request r by case/and4P: pr1.
have := quota_spec wf1 pr1; rewrite E => [[lt _ _ Hj]].
case: q E lt Hj => [|q] // E lt Hj; rewrite /shortfall_ok /= qeq_refl andbT.
rewrite -ltnS prednK ?(wf_nodes wf1) // (ltnW lt) /=.
have := Hj q (ltnSn q) => /qltP H; apply/qltP.
by rewrite -(value_top wf1 q (pr_mono pr1)).
Qed.

Lemma greedy_invalid_accepted : greedy inst = INVALID ->
  check_invalid inst (map min_count_bound rs) [seq shortfall_witness r (min_count_bound r) | r <- rs].
Proof.
move=> G; rewrite /check_invalid !size_map !eqxx /=.
apply/andP; split.
  apply/(all2_nthP dummy_request (None, None)); split; first by rewrite size_zip !size_map minnn.
  move=> i iN; rewrite nth_zip ?size_map // (nth_map dummy_request) //.
  rewrite (nth_map dummy_request) // /invalid_row_ok /=.
  have pri := premise_req pr iN; have wfi := wf_req wf iN.
  rewrite (min_count_bound_quota wfi pri).
  case E: (quota (nth dummy_request rs i)) => [q|] /=; first exact: shortfall_quota pri E.
  by have := quota_spec wfi pri; rewrite /req E => [[/qltP]].
move: G; rewrite /greedy map_mcb; case: ifP => // /negbT; rewrite negb_and => /orP [].
  by rewrite all_isSome_None negbK => ->.
by rewrite Z.leb_antisym negbK => ->; rewrite orbT.
Qed.

Definition unchosen sets := flatten [seq [seq f rS.1 u | u <- rest rS.1 rS.2] | rS <- zip rs sets].
Definition beyond sets :=
  flatten [seq (let p := picked rSq.1.1 rSq.1.2 in
                if rSq.2 < size p then [:: foldl qmin (head 0%Q p) p] else [::])
          | rSq <- zip (zip rs sets) [seq odflt 0 (quota r) | r <- rs]].
Definition lambda_of sets :=
  if opt_fold qmax (unchosen sets) is Some x then x
  else if opt_fold qmin (beyond sets) is Some x then x else 0%Q.

Lemma optimal_certificateE sets : optimal_certificate inst sets =
  Optimal [seq (size S).-1 | S <- sets] [seq odflt 0 (quota r) | r <- rs]
          [seq shortfall_witness r (quota r) | r <- rs] (lambda_of sets).
Proof. by []. Qed.

Lemma all_unchosen (P : pred Q) sets : size sets = N ->
  all P (unchosen sets)
  = all (fun i => all (fun u => P (f (R i) u)) (rest (R i) (nth [::] sets i))) (iota 0 N).
Proof.
move=> sz; rewrite /unchosen all_flatten (zip_iota dummy_request [::]) ?sz // -map_comp all_map.
by apply: eq_all => i /=; rewrite all_map.
Qed.

Lemma all_beyond (P : pred Q) sets : size sets = N ->
  all P (beyond sets)
  = all (fun i => let p := picked (R i) (nth [::] sets i) in
                  (qv inst i < size p) ==> P (foldl qmin (head 0%Q p) p)) (iota 0 N).
Proof.
move=> sz; rewrite /beyond all_flatten (zip_iota (dummy_request, [::]) 0) ?size_zip ?size_map ?sz ?minnn //.
rewrite -map_comp all_map ?size_zip ?sz ?minnn; apply/eq_in_all => i; rewrite mem_iota add0n => iN /=.
rewrite nth_zip ?sz // (nth_map dummy_request) // /qv /=.
by case: ifP => //= _; rewrite andbT.
Qed.

Lemma nodes_usedE sel : size sel = N ->
  (forall i, i < N -> node_set (R i) (nth [::] sel i) && rooted (R i) (nth [::] sel i)) ->
  nodes_used inst sel
  = sumn [seq nonroot_count (R i) (nth [::] sel i) | i <- iota 0 N] + (if root_charged inst then N else 0).
Proof.
move=> sz H; rewrite /nodes_used.
rewrite (@sumn_zip_nth _ _ dummy_request [::] (fun r S => if root_charged inst
          then size S + (root r \notin S) else nonroot_count r S)) ?sz //=.
case: (root_charged inst); last by rewrite addn0.
rewrite -[N in _ + N](size_iota 0 N) -sumn_add1; congr sumn; apply/eq_in_map => i.
rewrite mem_iota add0n => iN; have /andP [ok rt] := H i iN.
have rS : root (R i) \in nth [::] sel i by case/andP: rt.
by rewrite /req rS addn0 (size_rooted ok rt).
Qed.

(** What any final state needs for its certificate to be accepted: rooted
    top-m sets that reach their targets and hold at least their quotas,
    lambda's separation ([dominates]), and the budget spent or every node
    selected.  The reference greedy (below) and the paper's (Paper.v) both
    end in such a state. *)
Lemma certificate_accepted sets :
  size sets = N -> dominates inst sets -> above_quota inst sets ->
  (forall i, i < N -> quota (R i) = Some (qv inst i)) ->
  (forall i, i < N -> state_ok (R i) (nth [::] sets i)) ->
  (forall i, i < N -> reaches_target (R i) (nth [::] sets i)) ->
  (forall i u x, i < N -> u \in rest (R i) (nth [::] sets i) ->
     x \in nth [::] sets i -> x != root (R i) -> (f (R i) u <= f (R i) x)%Q) ->
  (Z.of_nat (csum sets) <= node_budget inst)%Z ->
  Z.of_nat (csum sets) = node_budget inst
  \/ (forall i u, i < N -> u < nodes (R i) -> u \in nth [::] sets i) ->
  check inst (OK sets) (Some (objective inst sets)) (optimal_certificate inst sets).
Proof.
move=> sz dom aq quotaE okS reachS topm bud fin.
pose S i := nth [::] sets i.
have wfi : forall i, i < N -> wf_request (R i) := fun i iN => wf_req wf iN.
have pri : forall i, i < N -> premise_request (R i) := fun i iN => premise_req pr iN.
have nni : forall i, i < N -> nonneg (R i) := fun i iN => pr_nonneg (pri i iN).
have cntE : forall i, i < N -> cnt sets i = nonroot_count (R i) (S i).
  move=> i iN; have /andP [ok rt] := okS i iN.
  by rewrite /cnt (size_rooted ok rt).
(* lambda *)
set lam := lambda_of sets.
have unchosen_ge0 : all (qle 0) (unchosen sets).
  rewrite all_unchosen //; apply/allP => i; rewrite mem_iota add0n => iN.
  by apply/allP => u _; apply/qleP; exact: (f_ge0 (wfi i iN) (nni i iN)).
have [L1 L2 L3] : [/\ (0 <= lam)%Q,
    forall i u, i < N -> u \in rest (R i) (S i) -> (f (R i) u <= lam)%Q &
    forall i x, i < N -> qv inst i < cnt sets i -> x \in S i -> x != root (R i) -> (lam <= f (R i) x)%Q].
  rewrite /lam /lambda_of; case E: (unchosen sets) => [|y ys] /=.
  - have none : forall i u, i < N -> u \in rest (R i) (S i) -> False.
      move=> i u iN uR; have : all (fun _ => false) (unchosen sets) by rewrite E.
      by rewrite all_unchosen // => /allP /(_ i); rewrite mem_iota add0n iN => /(_ isT) /allP /(_ u uR).
    have beyond_ge0 : all (qle 0) (beyond sets).
      rewrite all_beyond //; apply/allP => i; rewrite mem_iota add0n => iN /=; apply/implyP => _.
      have Hp : all (qle 0) (picked (R i) (S i)).
        rewrite all_picked; apply/allP => v _; apply/qleP; exact: (f_ge0 (wfi i iN) (nni i iN)).
      apply/qleP; apply: foldl_qmin_bound.
        case: (picked (R i) (S i)) Hp => [|z zs] /=; [by move=> _; apply: Qle_refl | by case/andP => /qleP].
      by move=> z zIn; apply/qleP; apply: (all_In Hp zIn).
    case E2: (beyond sets) => [|b bs] /=.
    + split; first exact: Qle_refl.
        by move=> i u iN uR; case: (none i u iN uR).
      move=> i x iN lt; have : all (fun _ => false) (beyond sets) by rewrite E2.
      rewrite all_beyond // => /allP /(_ i); rewrite mem_iota add0n iN /= => /(_ isT).
      by rewrite size_picked -cntE // lt.
    + split.
      * apply: foldl_qmin_bound; first by move: beyond_ge0; rewrite E2 => /andP [/qleP].
        by move=> z zIn; apply/qleP; apply: (all_In (s := bs)) zIn; move: beyond_ge0; rewrite E2 => /andP [].
      * by move=> i u iN uR; case: (none i u iN uR).
      * move=> i x iN lt xS xr.
        have [Hb Hbs] := foldl_qmin_le b bs.
        have : all (qle (foldl qmin b bs)) (beyond sets) by rewrite E2 /= Hbs andbT; apply/qleP.
        rewrite all_beyond // => /allP /(_ i); rewrite mem_iota add0n iN /=.
        rewrite size_picked -cntE // lt => /(_ isT) /implyP /(_ isT) /qleP Hm.
        apply: Qle_trans Hm _.
        have [_ Hp] := foldl_qmin_le (head 0%Q (picked (R i) (S i))) (picked (R i) (S i)).
        move: Hp; rewrite all_picked => /allP /(_ x); rewrite mem_filter xr xS => /(_ isT) /qleP //.
  - have [Hy Hys] := foldl_qmax_ge y ys.
    have all_le : all (fun z => qle z (foldl qmax y ys)) (unchosen sets).
      by rewrite E /= Hys andbT; apply/qleP.
    split.
    + apply: Qle_trans Hy; by move: unchosen_ge0; rewrite E => /andP [/qleP].
    + move=> i u iN uR; move: all_le; rewrite all_unchosen // => /allP /(_ i).
      by rewrite mem_iota add0n iN => /(_ isT) /allP /(_ u uR) /qleP.
    + move=> i x iN lt xS xr; apply: (foldl_qmax_bound (P := fun z => (z <= f (R i) x)%Q)).
        have : all (fun z => qle z (f (R i) x)) (unchosen sets).
          rewrite all_unchosen //; apply/allP => j; rewrite mem_iota add0n => jN.
          apply/allP => u; rewrite mem_rest => /and3P [uS _ un]; apply/qleP.
          exact: dom i j x u iN jN lt xS xr un uS.
        by rewrite E => /andP [/qleP].
      move=> z zIn; apply/qleP.
      have : all (fun z => qle z (f (R i) x)) (unchosen sets).
        rewrite all_unchosen //; apply/allP => j; rewrite mem_iota add0n => jN.
        apply/allP => u; rewrite mem_rest => /and3P [uS _ un]; apply/qleP.
        exact: dom i j x u iN jN lt xS xr un uS.
      by rewrite E => /andP [_ Hall]; apply: (all_In Hall zIn).
rewrite /check optimal_certificateE -/lam /check_optimal !size_map sz !eqxx qeq_refl /=.
have ok_all : forall i, i < N -> node_set (R i) (S i) && rooted (R i) (S i) by move=> i /okS.
apply/and5P; split.
- (* feasible *)
  rewrite /feasible sz eqxx /=; apply/andP; split.
    apply/(all_zip_nthP dummy_request [::]); rewrite ?sz // => i iN /=.
    by have /andP [ok rt] := okS i iN; rewrite ok rt reachS.
  apply/Z.leb_le; rewrite nodes_usedE // /node_budget in bud *.
  move: bud; rewrite /csum (sumn_map_nth [::]) sz.
  have -> : [seq (size (nth [::] sets i)).-1 | i <- iota 0 N]
          = [seq nonroot_count (R i) (nth [::] sets i) | i <- iota 0 N].
    by apply/eq_in_map => i; rewrite mem_iota add0n => iN; rewrite -cntE.
  by case: (root_charged inst) => /=; rewrite Nat2Z.inj_add /=; lia.
- (* monotone *)
  by apply: sub_all pr => r /and4P [].
- exact/qleP.
- (* rows *)
  apply/(all2_nthP dummy_request ([::], (0, (0, None)))); split.
    by rewrite !size_zip !size_map sz !minnn.
  move=> i iN; rewrite !nth_zip ?size_zip ?size_map ?sz ?minnn //.
  rewrite (nth_map [::]) ?sz // !(nth_map dummy_request) // -/(S i) -/(req inst i) quotaE //= -/(qv inst i).
  apply/and5P; split=> //.
  + by rewrite -/(cnt sets i); apply: aq.
  + exact: shortfall_quota (pri i iN) (quotaE i iN).
  + apply/allP => u uR; rewrite all_picked; apply/allP => x; rewrite mem_filter => /andP [xr xS].
    by apply/qleP; apply: topm.
  + apply/andP; split; last by apply/allP => u uR; apply/qleP; apply: L2.
    case: (ltnP (qv inst i) (cnt sets i)) => lt.
      apply: all_drop; rewrite all_picked; apply/allP => x; rewrite mem_filter => /andP [xr xS].
      by apply/qleP; apply: L3.
    by rewrite drop_oversize // size_picked -cntE.
- (* budget spent or nothing left *)
  case: fin => [E | full]; first by apply/orP; left; apply/Z.eqb_eq.
  apply/orP; right.
  rewrite (@sumn_zip_nth _ _ dummy_request [::] (fun r S => size (rest r S))) ?sz //.
  rewrite sumn_eq0 all_map; apply/allP => i; rewrite mem_iota add0n => iN /=.
  rewrite size_eq0 -[_ == _]negbK -has_filter; apply/hasPn => u.
  by rewrite mem_nonroot => /andP [_ un]; rewrite negbK full.
Qed.

Lemma greedy_ok_accepted sets : greedy inst = OK sets ->
  check inst (OK sets) (Some (objective inst sets)) (optimal_certificate inst sets).
Proof.
move=> G; have [some sh dom aq [bud fin]] := greedy_final pr G.
have [sz shH] := sh.
pose S i := nth [::] sets i.
have wfi : forall i, i < N -> wf_request (R i) := fun i iN => wf_req wf iN.
have pri : forall i, i < N -> premise_request (R i) := fun i iN => premise_req pr iN.
have nni : forall i, i < N -> nonneg (R i) := fun i iN => pr_nonneg (pri i iN).
have okS : forall i, i < N -> state_ok (R i) (S i).
  by move=> i iN; rewrite /S shH //; apply: tree_greedy_ok (wfi i iN) _.
have quotaE : forall i, i < N -> quota (R i) = Some (qv inst i).
  move=> i iN; move: some; rewrite all_map => /(all_nthP dummy_request) /(_ i iN).
  by rewrite /qv /req /preim /=; case: (quota (nth dummy_request (requests inst) i)).
apply: certificate_accepted => //.
- move=> i iN; have := quota_spec (wfi i iN) (pri i iN); rewrite quotaE // => [[_ _ Hq _]].
  apply/qleP; apply: Qle_trans (qleP _ _ Hq) _.
  rewrite /S {1}shH // !(value_tree_greedy (wfi i iN)); apply: Qle_add2l.
  apply: sum_take_mono; first by rewrite -/(cnt sets i); apply: aq.
  by move=> x _; exact: (f_ge0 (wfi i iN) (nni i iN)).
- (* the top-m property inside one tree *)
  move=> i u x iN; rewrite mem_rest => /and3P [uS _ un] xS xr.
  have [_ Hd] := tree_greedy_sorted (wfi i iN) (pr_mono (pri i iN)) (cnt sets i).
  apply: Hd => //; first by rewrite /cnt -shH.
  by move: xS; rewrite {1}shH // (tree_greedyE (wfi i iN)) inE (negbTE xr).
- case: fin => [E | stuck]; [by left | right] => i u iN.
  have := stuck_full (wfi i iN) _ (stuck i iN); apply; exact: okS.
Qed.

Lemma greedy_certified_inst :
  check inst (greedy inst) (answer_objective inst (greedy inst)) (greedy_certificate inst).
Proof.
rewrite /greedy_certificate /answer_objective.
case G: (greedy inst) => [sets|]; first exact: greedy_ok_accepted.
exact: greedy_invalid_accepted.
Qed.

End Accept.
