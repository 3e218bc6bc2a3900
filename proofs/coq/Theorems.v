(** * The theorems stated in Statement.v

    Each theorem's type is the [Prop] of the same name in Statement.v (in
    upper case there); Assumptions.v prints what each one depends on. *)

From Coq Require Import ZArith QArith Lqa Lia.
From mathcomp Require Import ssreflect ssrbool ssrfun eqtype ssrnat seq path bigop.
From AdaServe Require Import Statement Lib Tree Greedy Certificate Defects.
From AdaServe Require Import Paper.
From AdaServe Require Import Acceptance Beam.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.
Local Close Scope Q_scope.

Theorem app_b_rooted : APP_B_rooted.
Proof. by move=> inst sets wf G; apply: shaped_ok wf (greedy_shaped wf G). Qed.

Theorem certificate_sound : Certificate_sound.
Proof. by move=> inst a obj c wf nn; apply: check_sound. Qed.

Theorem greedy_certified : Greedy_certified.
Proof. by move=> inst pr; apply: greedy_certified_inst. Qed.

Lemma premise_nonneg inst : premise inst -> all nonneg (requests inst).
Proof. by apply: sub_all => r /and4P []. Qed.

Theorem thm_p1_invalid_sound : THM_P1_invalid_sound.
Proof.
move=> inst pr G sel.
have := greedy_certified pr; rewrite G => C.
exact: (certificate_sound (premise_wf pr) (premise_nonneg pr) C).
Qed.

Theorem thm_p2_optimal : THM_P2_optimal.
Proof.
move=> inst pr [sel F]; case G: (greedy inst) => [sets|].
  exists sets; split=> //; have := greedy_certified pr; rewrite G => C.
  exact: (certificate_sound (premise_wf pr) (premise_nonneg pr) C).
by have := thm_p1_invalid_sound pr G sel; rewrite F.
Qed.

Theorem lem_c1_minimal : LEM_C1_minimal.
Proof.
move=> r pr; have wf : wf_request r by case/and4P: pr.
have := quota_spec wf pr; case: (quota r) => [q [lt slo Hq Hj] | [_ Hall]]; last first.
  by move=> W ok; apply/negP => /qleP reach; have := Hall W ok; apply: Qle_not_lt.
rewrite slo; split=> //; first by rewrite nonroot_count_tree_greedy // (minn_idPl _) // -ltnS prednK ?(wf_nodes wf).
move=> W ok /qleP reach; rewrite leqNgt; apply/negP => Wq.
have le : nonroot_count r W <= q.-1 by rewrite -ltnS prednK // (leq_ltn_trans _ Wq).
have H1 := value_le_top wf (pr_nonneg pr) ok le.
have lt1 : q.-1 < q by rewrite prednK // (leq_ltn_trans _ Wq).
have := Hj q.-1 lt1 => /qltP H2.
rewrite (value_top wf _ (pr_mono pr)) in H2.
by have := Qle_lt_trans _ _ _ (Qle_trans _ _ _ reach H1) H2; apply: Qlt_irrefl.
Qed.

Theorem lem_c2_topk : LEM_C2_topk.
Proof.
move=> r b pr; have wf : wf_request r by case/and4P: pr.
have nn := pr_nonneg pr.
split.
- move=> W /andP [uW /allP Wn] /allP Wr szW.
  have sub : {subset W <= nonroot r} by move=> v vW; rewrite mem_filter mem_iota add0n Wr //= Wn.
  by rewrite qsum_map; exact: (top_value_bound wf nn uW sub (eq_leq szW)).
- by move=> S ok _ cnt; apply: value_le_top => //; rewrite cnt.
- have /andP [ok rt] := tree_greedy_ok wf b.
  by split=> //; [apply: nonroot_count_tree_greedy | apply: value_top (pr_mono pr)].
Qed.

(** ** Algorithm 1 with the paper's GetTop, for every tie-break (Paper.v) *)

Theorem paper_app_b_rooted : PAPER_APP_B_rooted.
Proof. by move=> gt gtop inst sets tc gc sp; apply: paper_ok_rooted. Qed.

Theorem paper_thm_p1_invalid_sound : PAPER_THM_P1_invalid_sound.
Proof.
move=> gt gtop inst tc gc sp P sel.
have := paper_greedy_is_ok gtop tc sp; rewrite P.
case G: (greedy inst) => // _.
exact: thm_p1_invalid_sound (sp_premise sp) G sel.
Qed.

Theorem paper_thm_p2_optimal : PAPER_THM_P2_optimal.
Proof.
move=> gt gtop inst tc gc sp [sel F].
case P: (paper_greedy gt gtop inst) => [sets|]; last first.
  by have := paper_thm_p1_invalid_sound tc gc sp P sel; rewrite F.
exists sets; split=> //.
have := paper_ok_accepted tc gc sp P => C.
exact: (certificate_sound (premise_wf (sp_premise sp))
                          (premise_nonneg (sp_premise sp)) C).
Qed.

Theorem paper_choices_exist : PAPER_choices_exist.
Proof.
exists get_top_all, global_top_all.
by split; [apply: get_top_all_choice | apply: global_top_all_choice].
Qed.

(** ** THM-3.1 (Acceptance.v) *)

Theorem thm_3_1_expected_acceptance : THM_3_1_expected_acceptance.
Proof. by move=> T keep ok; apply/walk_spec/prune_ok. Qed.

(** ** THM-4.1 (Beam.v) *)

Theorem thm_4_1_counterexample : THM_4_1_counterexample.
Proof.
exists req_siblings, 1, [:: 0; 2]; split; first by vm_compute.
  exact: siblings_optimal.
move=> sub; have := sub 2; rewrite (_ : beam _ _ _ = [:: 0; 1]).
  by move/(_ isT).
by vm_compute.
Qed.

(** hence the claim as printed (every optimal tree is in the beam) is false *)
Theorem thm_4_1_as_printed_is_false : THM_4_1_as_printed_is_false.
Proof.
move=> claim; have [r [b [S [/andP [pr _] opt out]]]] := thm_4_1_counterexample.
exact/out/claim.
Qed.

Theorem thm_4_1_corrected : THM_4_1_corrected.
Proof.
move=> r b pr; have wf : wf_request r by case/and4P: pr.
exists (tree_greedy r b); first exact: greedy_optimal_budget.
by move=> D le; apply: greedy_in_beam.
Qed.
