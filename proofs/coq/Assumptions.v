(** * What each theorem depends on

    [make] compiles this file; its output ("Closed under the global
    context" for every theorem) is what tests/test_coq.py checks:
    each [Check] line names a theorem and the Statement.v [Prop] it proves. *)

From AdaServe Require Import Statement Theorems Defects Paper Acceptance Beam.

Check app_b_rooted.
Print Assumptions app_b_rooted.
Check lem_c1_minimal.
Print Assumptions lem_c1_minimal.
Check lem_c2_topk.
Print Assumptions lem_c2_topk.
Check thm_p1_invalid_sound.
Print Assumptions thm_p1_invalid_sound.
Check thm_p2_optimal.
Print Assumptions thm_p2_optimal.
Check certificate_sound.
Print Assumptions certificate_sound.
Check greedy_certified.
Print Assumptions greedy_certified.
Check paper_app_b_rooted.
Print Assumptions paper_app_b_rooted.
Check paper_thm_p1_invalid_sound.
Print Assumptions paper_thm_p1_invalid_sound.
Check paper_thm_p2_optimal.
Print Assumptions paper_thm_p2_optimal.
Check paper_choices_exist.
Print Assumptions paper_choices_exist.
Check thm_3_1_expected_acceptance.
Print Assumptions thm_3_1_expected_acceptance.
Check thm_3_1_worked.
Print Assumptions thm_3_1_worked.
Check thm_4_1_counterexample.
Print Assumptions thm_4_1_counterexample.
Check thm_4_1_as_printed_is_false.
Print Assumptions thm_4_1_as_printed_is_false.
Check thm_4_1_corrected.
Print Assumptions thm_4_1_corrected.
Check beam_of_siblings.
Print Assumptions beam_of_siblings.
Check printed_loop_overspends.
Print Assumptions printed_loop_overspends.
Check printed_get_top_orphans.
Print Assumptions printed_get_top_orphans.
Check printed_alg1_both.
Print Assumptions printed_alg1_both.
Check paper_greedy_orphans_with_ties.
Print Assumptions paper_greedy_orphans_with_ties.
