(** * AdaServe's greedy token selection: the statement

    This file is meant to be read without the proofs.  It defines, in the
    terms of docs/format.md:
    - an instance (budget, root convention, requests with a parent array,
      path probabilities f as exact rationals and a target);
    - rooted subtrees, feasibility under both root conventions (the target
      counts the root's 1), the objective and optimality;
    - the reference greedy of solver/reference.py as a Coq function (the
      frontier greedy), and the paper's Algorithm 1 with its own GetTop for
      every tie-break ([paper_greedy]);
    - the certificates of docs/certificates.md and the checker of
      verify/checks/certificate.py;
    - the verification walk of SPEC section 2 (THM-3.1) and the beam search
      of THM-4.1;
    and states, as [Prop]s, the theorems that Theorems.v proves (under the
    same names in lower case).

    Numbers: f and targets are Coq's exact rationals [Q] (QArith), compared
    with [Qle_bool] (exact: cross-multiplication of integers).  A [Q] is a
    fraction that need not be reduced, so equality of numbers is [Qeq]
    (written [==]), never Leibniz equality.  Budgets are integers [Z]; node
    indices and counts are [nat]. *)

From Coq Require Import ZArith QArith.
From mathcomp Require Import ssreflect ssrbool ssrfun eqtype ssrnat seq path.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.
(* QArith opens Q_scope; plain notations below are about nat, numbers are marked %Q / %Z *)
Local Close Scope Q_scope.

(** ** Exact comparisons and sums *)

Definition qle (x y : Q) : bool := Qle_bool x y.
Definition qlt (x y : Q) : bool := ~~ Qle_bool y x.
Definition qeq (x y : Q) : bool := Qeq_bool x y.
Definition qmax (x y : Q) : Q := if qle x y then y else x.
Definition qmin (x y : Q) : Q := if qle x y then x else y.
Definition qsum (s : seq Q) : Q := foldr Qplus 0%Q s.

(** ** Instances (docs/format.md, "Instance")

    A request gives its tree by a parent array ([-1] for the root) and the
    path probabilities [prob] ("prob" in the JSON; a "cond" input is turned
    into path probabilities by solver/parse.py before it reaches Coq). *)

Record request := Request {
  target : Q;          (** A_i, the root's 1 included *)
  parent : seq Z;      (** parent[v]; -1 for the root *)
  prob : seq Q         (** f(v), the path probability of node v *)
}.

Record instance := Instance {
  budget : Z;          (** B *)
  root_charged : bool; (** false: roots free (Algorithm 1); true: roots charged *)
  requests : seq request
}.

Section Tree.
Variable r : request.

(** Nodes are [0 .. nodes - 1]. *)
Definition nodes : nat := size (parent r).
Definition f (v : nat) : Q := nth 0%Q (prob r) v.
Definition par (v : nat) : option nat :=
  let z := nth (-1)%Z (parent r) v in if (0 <=? z)%Z then Some (Z.to_nat z) else None.
Definition root : nat := find (fun z => z <? 0)%Z (parent r).

(** [reaches_root k v]: following parents from [v] hits the root within [k] steps. *)
Fixpoint reaches_root (k v : nat) : bool :=
  (v == root) || (if k is k'.+1 then (if par v is Some p then reaches_root k' p else false)
                  else false).

(** One tree, as the format requires: a value per node, exactly one root
    (parent -1), every other parent an index in range, no cycle. *)
Definition wf_request : bool :=
  [&& 0 < nodes, size (prob r) == nodes,
      count (fun z => z <? 0)%Z (parent r) == 1,
      all (fun z => (z =? -1) || (0 <=? z) && (z <? Z.of_nat nodes))%Z (parent r) &
      all (reaches_root nodes) (iota 0 nodes)].

(** f(child) <= f(parent): what verify/certificate.py's [is_monotone] checks. *)
Definition monotone : bool :=
  all (fun v => if par v is Some p then qle (f v) (f p) else true) (iota 0 nodes).

Definition nonneg : bool := all (fun v => qle 0%Q (f v)) (iota 0 nodes).

(** SPEC section 2's premise: 0 <= f(child) <= f(parent), f(root) = 1. *)
Definition premise_request : bool := [&& wf_request, qeq (f root) 1%Q, nonneg & monotone].

(** Depth: edges from the root (the tie order uses it). *)
Fixpoint depth_up (k v : nat) : nat :=
  if k is k'.+1 then (if par v is Some p then (depth_up k' p).+1 else 0) else 0.
Definition depth (v : nat) : nat := depth_up nodes v.

(** ** Node sets of one tree *)

(** the "format" rule: node indices in range, none listed twice *)
Definition node_set (S : seq nat) : bool := uniq S && all (fun v => v < nodes) S.
(** contains the root and, with every node, its parent *)
Definition rooted (S : seq nat) : bool :=
  (root \in S) && all (fun v => if par v is Some p then p \in S else true) S.
Definition value (S : seq nat) : Q := qsum (map f S).
(** the target counts the root's 1: it is part of [value S] *)
Definition reaches_target (S : seq nat) : bool := qle (target r) (value S).
Definition nonroot_count (S : seq nat) : nat := count (fun v => v != root) S.

Definition nonroot : seq nat := [seq v <- iota 0 nodes | v != root].
Definition mass : Q := qsum (prob r).

(** f of the non-root nodes, largest first ([tree.sorted_values()]) *)
Definition sorted_values : seq Q := sort (fun x y => Qle_bool y x) (map f nonroot).
(** root + the k largest non-root values: the most any k non-root nodes reach *)
Definition top_value (k : nat) : Q := (f root + qsum (take k sorted_values))%Q.

(** ** GetTop over the frontier (solver/reference.py, [_Frontier])

    The frontier of a set S: unselected nodes whose parent is selected.  Ties:
    larger f, then smaller depth, then smaller node index. *)
Definition frontier (S : seq nat) : seq nat :=
  [seq v <- iota 0 nodes | (v \notin S) && (if par v is Some p then p \in S else false)].

Definition node_before (u v : nat) : bool :=
  qlt (f v) (f u) || qeq (f u) (f v) && ((depth u < depth v) || (depth u == depth v) && (u < v)).

End Tree.

(** [best before s]: the first element of [s] that no later element comes strictly [before]. *)
Definition pick_better (T : Type) (before : T -> T -> bool) (acc : option T) (x : T) : option T :=
  if acc is Some b then (if before x b then Some x else Some b) else Some x.
Definition best (T : Type) (before : T -> T -> bool) (s : seq T) : option T :=
  foldl (pick_better before) None s.

Definition get_top (r : request) (S : seq nat) : option nat :=
  best (node_before r) (frontier r S).

(** The single-tree frontier greedy: [b] GetTop steps from the root.  Its
    selection after [b] steps is what Lemma C.2 calls the top-b set. *)
Fixpoint grow (r : request) (k : nat) (S : seq nat) : seq nat :=
  if k is k'.+1 then (if get_top r S is Some v then grow r k' (rcons S v) else S) else S.
Definition tree_greedy (r : request) (b : nat) : seq nat := grow r b [:: root r].

(** ** Selections and feasibility (docs/format.md, "Selection"; verify/feasibility.py)

    A selection lists, per request in input order, its selected nodes, root
    included. *)

Definition selection := seq (seq nat).

Definition node_budget (inst : instance) : Z :=
  (budget inst - (if root_charged inst then Z.of_nat (size (requests inst)) else 0))%Z.

(** roots free: the non-root nodes; roots charged: every node, the root
    counted even if it is (wrongly) missing *)
Definition nodes_used (inst : instance) (sel : selection) : nat :=
  sumn [seq (if root_charged inst then size rS.2 + (root rS.1 \notin rS.2)
             else nonroot_count rS.1 rS.2) | rS <- zip (requests inst) sel].

Definition feasible (inst : instance) (sel : selection) : bool :=
  [&& size sel == size (requests inst),
      all (fun rS => [&& node_set rS.1 rS.2, rooted rS.1 rS.2 & reaches_target rS.1 rS.2])
          (zip (requests inst) sel) &
      (Z.of_nat (nodes_used inst sel) <=? budget inst)%Z].

Definition objective (inst : instance) (sel : selection) : Q :=
  qsum [seq value rS.1 rS.2 | rS <- zip (requests inst) sel].

Definition optimal (inst : instance) (sel : selection) : Prop :=
  feasible inst sel /\
  forall sel', feasible inst sel' -> (objective inst sel' <= objective inst sel)%Q.

Definition wf_instance (inst : instance) : bool := all wf_request (requests inst).
Definition premise (inst : instance) : bool := all premise_request (requests inst).

(** ** The reference greedy (solver/reference.py, [greedy_run] and [solve_reference]) *)

(** SLO phase of one request: while the selected total is below the target
    and the frontier is not empty, add GetTop.  [nodes r] rounds are enough
    (each adds a node). *)
Fixpoint slo_loop (r : request) (fuel : nat) (S : seq nat) (acc : Q) : seq nat * Q :=
  if fuel is k.+1 then
    if qlt acc (target r) then
      if get_top r S is Some v then slo_loop r k (rcons S v) (acc + f r v)%Q else (S, acc)
    else (S, acc)
  else (S, acc).

Definition slo_phase (r : request) : seq nat * Q :=
  slo_loop r (nodes r) [:: root r] (f r (root r)).

(** the SLO-phase count; [None]: the tree ran out before the target *)
Definition quota (r : request) : option nat :=
  let: (chosen, acc) := slo_phase r in if qle (target r) acc then Some (size chosen).-1 else None.

Definition dummy_request := Request 0%Q [::] [::].
Definition req (inst : instance) (i : nat) : request := nth dummy_request (requests inst) i.

(** GetTop over all requests: each request's GetTop, then larger f, smaller
    depth, earlier request (solver/reference.py's heap of [(-f, depth, i)]). *)
Definition candidate_before (inst : instance) (a b : nat * nat) : bool :=
  let: (i, u) := a in let: (j, w) := b in
  qlt (f (req inst j) w) (f (req inst i) u)
  || qeq (f (req inst i) u) (f (req inst j) w)
     && ((depth (req inst i) u < depth (req inst j) w)
         || (depth (req inst i) u == depth (req inst j) w) && (i < j)).

Definition candidates (inst : instance) (sets : selection) : seq (nat * nat) :=
  pmap (fun i => omap (fun v => (i, v)) (get_top (req inst i) (nth [::] sets i)))
       (iota 0 (size (requests inst))).

Definition global_top (inst : instance) (sets : selection) : option (nat * nat) :=
  best (candidate_before inst) (candidates inst sets).

(** Throughput phase: spend exactly the remaining budget, or stop when no
    candidate is left.  [fuel] (the total number of nodes) bounds the rounds. *)
Fixpoint throughput (inst : instance) (fuel : nat) (remaining : Z) (sets : selection) : selection :=
  if fuel is k.+1 then
    if (0 <? remaining)%Z then
      if global_top inst sets is Some (i, v) then
        throughput inst k (remaining - 1)%Z (set_nth [::] sets i (rcons (nth [::] sets i) v))
      else sets
    else sets
  else sets.

Inductive answer := OK of selection | INVALID.

(** INVALID when a target is out of reach or the SLO counts exceed the node budget. *)
Definition greedy (inst : instance) : answer :=
  let rs := requests inst in
  let qs := map quota rs in
  let need := Z.of_nat (sumn (map (odflt 0) qs)) in
  if all isSome qs && (need <=? node_budget inst)%Z then
    OK (throughput inst (sumn (map nodes rs)) (node_budget inst - need)%Z
                   (map (fun r => (slo_phase r).1) rs))
  else INVALID.

(** ** Certificates (docs/certificates.md) and their checker (verify/certificate.py)

    Per-request fields are lists in request order (the JSON maps request ids;
    proofs/coq_bridge/coq_greedy.py translates).  Absent optional witnesses are [None]. *)

Inductive certificate :=
  | Optimal (counts quotas : seq nat) (quota_witness : seq (option Q)) (lambda : Q)
  | Invalid (min_counts : seq (option nat)) (* None = "unreachable" *)
            (best_with_one_less : seq (option Q))
  | NoCertificate.

(** [_shortfall_problems]: N is a lower bound on the non-root nodes any set
    needs: root + the N - 1 largest values fall short of the target. *)
Definition shortfall_ok (r : request) (n : nat) (claimed : option Q) : bool :=
  (n == 0) ||
  [&& n.-1 <= (nodes r).-1, qlt (top_value r n.-1) (target r) &
      if claimed is Some w then qeq w (top_value r n.-1) else true].

(** [_check_invalid] *)
Definition invalid_row_ok (r : request) (kw : option nat * option Q) : bool :=
  if kw.1 is Some n then shortfall_ok r n kw.2 else qlt (mass r) (target r).

Definition check_invalid (inst : instance) (mc : seq (option nat)) (wit : seq (option Q)) : bool :=
  [&& size mc == size (requests inst), size wit == size (requests inst),
      all2 invalid_row_ok (requests inst) (zip mc wit) &
      (None \in mc) || (node_budget inst <? Z.of_nat (sumn (map (odflt 0%N) mc)))%Z].

(** [_check_optimal], per request: count, quota, top-m set, lambda *)
Definition picked (r : request) (S : seq nat) : seq Q :=
  sort (fun x y => Qle_bool y x) [seq f r v | v <- S & v != root r].
Definition rest (r : request) (S : seq nat) : seq nat := [seq v <- nonroot r | v \notin S].

Definition optimal_row_ok (lam : Q) (r : request) (row : seq nat * (nat * (nat * option Q))) : bool :=
  let: (chosen, (m, (n, w))) := row in
  [&& m == (size chosen).-1, n <= m, shortfall_ok r n w,
      (* top-m: no unselected node has a larger f than a selected non-root node *)
      all (fun u => all (qle (f r u)) (picked r chosen)) (rest r chosen),
      (* chosen values ranked beyond the quota are >= lambda *)
      all (qle lam) (drop n (picked r chosen)) &
      (* unchosen values are <= lambda *)
      all (fun u => qle (f r u) lam) (rest r chosen)].

Definition check_optimal (inst : instance) (sets : selection) (obj : option Q)
    (counts quotas : seq nat) (qwit : seq (option Q)) (lam : Q) : bool :=
  let rs := requests inst in
  [&& feasible inst sets,
      (if obj is Some o then qeq o (objective inst sets) else true),
      all monotone rs, qle 0%Q lam,
      size counts == size rs, size quotas == size rs, size qwit == size rs,
      all2 (optimal_row_ok lam) rs (zip sets (zip counts (zip quotas qwit))) &
      (* the node budget is spent, or no node is left *)
      ((Z.of_nat (sumn [seq (size S).-1 | S <- sets]) =? node_budget inst)%Z
       || (sumn [seq size (rest rS.1 rS.2) | rS <- zip rs sets] == 0))].

(** [certificate_problems] is empty.  [obj] is the selection's stated objective. *)
Definition check (inst : instance) (a : answer) (obj : option Q) (c : certificate) : bool :=
  match a, c with
  | INVALID, Invalid mc wit => check_invalid inst mc wit
  | OK sets, Optimal counts quotas qwit lam => check_optimal inst sets obj counts quotas qwit lam
  | _, _ => false
  end.

(** ** The greedy's certificate (solver/reference.py) *)

(** [min_count_bound]: the smallest k with root + the k largest values >= target *)
Fixpoint first_reach (tgt acc : Q) (k : nat) (vals : seq Q) : option nat :=
  if qle tgt acc then Some k
  else if vals is x :: vs then first_reach tgt (acc + x) k.+1 vs else None.
Definition min_count_bound (r : request) : option nat :=
  first_reach (target r) (f r (root r)) 0 (sorted_values r).

Definition shortfall_witness (r : request) (k : option nat) : option Q :=
  if k is Some n.+1 then Some (top_value r n) else None.

Definition invalid_certificate (inst : instance) : certificate :=
  Invalid (map min_count_bound (requests inst))
          [seq shortfall_witness r (min_count_bound r) | r <- requests inst].

(** lambda: the largest unchosen value; if none, the smallest chosen value
    beyond a quota; if none, 0 *)
Definition opt_fold (op : Q -> Q -> Q) (s : seq Q) : option Q :=
  if s is x :: xs then Some (foldl op x xs) else None.

Definition optimal_certificate (inst : instance) (sets : selection) : certificate :=
  let rs := requests inst in
  let qs := [seq odflt 0 (quota r) | r <- rs] in
  let unchosen := flatten [seq [seq f rS.1 u | u <- rest rS.1 rS.2] | rS <- zip rs sets] in
  let beyond := flatten [seq (let p := picked rSq.1.1 rSq.1.2 in
                              if rSq.2 < size p then [:: foldl qmin (head 0%Q p) p] else [::])
                        | rSq <- zip (zip rs sets) qs] in
  let lam := if opt_fold qmax unchosen is Some x then x
             else if opt_fold qmin beyond is Some x then x else 0%Q in
  Optimal [seq (size S).-1 | S <- sets] qs [seq shortfall_witness r (quota r) | r <- rs] lam.

Definition greedy_certificate (inst : instance) : certificate :=
  if greedy inst is OK sets then optimal_certificate inst sets else invalid_certificate inst.

(** the stated objective of an answer *)
Definition answer_objective (inst : instance) (a : answer) : option Q :=
  if a is OK sets then Some (objective inst sets) else None.

(** ** Algorithm 1 with the paper's own GetTop

    The paper's GetTop returns the unselected node of largest f among ALL
    unselected nodes: of the request in the SLO phase, of all requests in
    the throughput phase.  It names no tie-break, so the algorithm is stated
    for every one: [gt] (one request) and [gtop] (all requests) are any
    functions that return some unselected node of largest f, and nothing
    only when every node is selected ([tree_choice], [global_choice]).  A
    choice may depend on the whole state (the sets list their nodes in the
    order they were added), so rules by index, by depth, by history or by a
    fixed random table are all covered.  The throughput loop runs while
    [B > 0] (SPEC section 3, item 1); as in [greedy], the SLO phase's budget
    test is made once, on the sum of the SLO counts (the SLO loops do not
    depend on each other, so "budget spent inside an SLO loop" is "the
    counts exceed the budget").  The loops' fuel (the node count) never
    stops them (Paper.v). *)

Definition unselected (r : request) (S : seq nat) : seq nat :=
  [seq v <- iota 0 (nodes r) | v \notin S].

(** [v] is an unselected node of largest f *)
Definition largest_unselected (r : request) (S : seq nat) (v : nat) : bool :=
  (v \in unselected r S) && all (fun u => qle (f r u) (f r v)) (unselected r S).

Definition tree_choice (gt : request -> seq nat -> option nat) : Prop :=
  forall r S,
  if gt r S is Some v then largest_unselected r S v else unselected r S == [::].

Definition global_choice (gtop : instance -> selection -> option (nat * nat))
  : Prop :=
  forall inst sets,
  let S j := nth [::] sets j in
  let js := iota 0 (size (requests inst)) in
  if gtop inst sets is Some (i, v) then
    [&& i < size (requests inst), v \in unselected (req inst i) (S i) &
        all (fun j => all (fun u => qle (f (req inst j) u) (f (req inst i) v))
                          (unselected (req inst j) (S j))) js]
  else all (fun j => unselected (req inst j) (S j) == [::]) js.

Section Paper.
Variable gt : request -> seq nat -> option nat.
Variable gtop : instance -> selection -> option (nat * nat).

Fixpoint paper_slo_loop (r : request) (fuel : nat) (S : seq nat) (acc : Q)
  : seq nat * Q :=
  if fuel is k.+1 then
    if qlt acc (target r) then
      if gt r S is Some v then paper_slo_loop r k (rcons S v) (acc + f r v)%Q
      else (S, acc)
    else (S, acc)
  else (S, acc).

Definition paper_slo (r : request) : seq nat * Q :=
  paper_slo_loop r (nodes r) [:: root r] (f r (root r)).

Definition paper_quota (r : request) : option nat :=
  let: (chosen, acc) := paper_slo r in
  if qle (target r) acc then Some (size chosen).-1 else None.

Fixpoint paper_throughput (inst : instance) (fuel : nat) (remaining : Z)
    (sets : selection) : selection :=
  if fuel is k.+1 then
    if (0 <? remaining)%Z then
      if gtop inst sets is Some (i, v) then
        paper_throughput inst k (remaining - 1)%Z
          (set_nth [::] sets i (rcons (nth [::] sets i) v))
      else sets
    else sets
  else sets.

Definition paper_greedy (inst : instance) : answer :=
  let rs := requests inst in
  let qs := map paper_quota rs in
  let need := Z.of_nat (sumn (map (odflt 0) qs)) in
  if all isSome qs && (need <=? node_budget inst)%Z then
    OK (paper_throughput inst (sumn (map nodes rs)) (node_budget inst - need)%Z
                         (map (fun r => (paper_slo r).1) rs))
  else INVALID.

End Paper.

(** The paper's premise for Appendix B: f(child) < f(parent), strictly. *)
Definition strict (r : request) : bool :=
  all (fun v => if par r v is Some p then qlt (f r v) (f r p) else true)
      (iota 0 (nodes r)).

Definition strict_premise (inst : instance) : bool :=
  all (fun r => premise_request r && strict r) (requests inst).

(** ** THM-3.1: the verification walk (SPEC section 2, acceptance model)

    A candidate tree with conditional probabilities: each node carries
    cond, the probability that the target model's next token is this node's
    token given the path to its parent (the root's cond is not used).  Its
    path probability f is the product of the conds from the root to it
    ([fvals] lists f of every node, root first; f(root) = 1). *)

Inductive ctree := CNode of Q & seq ctree.

Definition ccond (t : ctree) : Q := let: CNode c _ := t in c.

Fixpoint fvals (t : ctree) : seq Q :=
  let: CNode _ ts := t in
  1%Q :: flatten [seq [seq (ccond u * x)%Q | x <- fvals u] | u <- ts].

(** conds >= 0 and, at every node, the children's conds sum to at most 1 *)
Fixpoint cond_ok (t : ctree) : bool :=
  let: CNode _ ts := t in
  [&& all (fun u => qle 0 (ccond u)) ts, qle (qsum (map ccond ts)) 1 &
      all cond_ok ts].

(** The walk's exact distribution: one outcome per node it may stop at, as
    (accepted nodes, probability).  At a node the walk moves to child u with
    probability cond(u) and stops with the rest, 1 - sum of the children's
    conds; the outcomes below a child are scaled by the step's
    probability and count one more node. *)
Fixpoint walk (t : ctree) : seq (nat * Q) :=
  let: CNode _ ts := t in
  (1, (1 - qsum (map ccond ts))%Q)
  :: flatten [seq [seq (o.1.+1, ccond u * o.2)%Q | o <- walk u] | u <- ts].

Definition total_prob (t : ctree) : Q := qsum (map snd (walk t)).
Definition expected_acc (t : ctree) : Q :=
  qsum [seq (inject_Z (Z.of_nat o.1) * o.2)%Q | o <- walk t].

(** Rooted subtrees: [prune keep [::] t] keeps a child at position i of the
    node at address p (the positions from the root) iff [keep (rcons p i)],
    and prunes it the same way; the root is always kept.  Every rooted
    subtree of [t] is [prune keep [::] t] for some [keep]. *)
Fixpoint prune (keep : seq nat -> bool) (p : seq nat) (t : ctree) : ctree :=
  let: CNode c ts := t in
  CNode c ((fix kids (i : nat) (us : seq ctree) :=
              if us is u :: us' then
                if keep (rcons p i)
                then prune keep (rcons p i) u :: kids i.+1 us'
                else kids i.+1 us'
              else [::]) 0 ts).

(** ** THM-4.1: the beam search of SPEC section 2, item 2 (one tree)

    Layer 0 is the root; layer d+1 keeps, among the children of the nodes
    of layer d (the candidates), the [w] of largest f: a candidate is kept
    iff fewer than [w] candidates rank before it, where u ranks before v
    when f(u) > f(v), or f(u) = f(v) and u has the smaller index (ties
    broken by index).  The beam of depth D is layers 0..D. *)

Definition children_of (r : request) (L : seq nat) : seq nat :=
  [seq v <- iota 0 (nodes r) | if par r v is Some p then p \in L else false].

Definition beam_before (r : request) (u v : nat) : bool :=
  qlt (f r v) (f r u) || qeq (f r u) (f r v) && (u < v).

Definition beam_layer (r : request) (w : nat) (L : seq nat) : seq nat :=
  let C := children_of r L in
  [seq v <- C | count (fun u => beam_before r u v) C < w].

Fixpoint beam_from (r : request) (w D : nat) (L : seq nat) : seq nat :=
  if D is D'.+1 then L ++ beam_from r w D' (beam_layer r w L) else L.

Definition beam (r : request) (w D : nat) : seq nat :=
  beam_from r w D [:: root r].

(** the depth of a selection: that of its deepest node *)
Definition sel_depth (r : request) (S : seq nat) : nat :=
  foldr maxn 0 (map (depth r) S).

(** an optimal selection of budget [b] (no target): a rooted subtree with at
    most [b] non-root nodes worth at least every other *)
Definition optimal_budget (r : request) (b : nat) (S : seq nat) : Prop :=
  [/\ node_set r S, rooted r S, nonroot_count r S <= b &
      forall S', node_set r S' -> rooted r S' -> nonroot_count r S' <= b ->
      (value r S' <= value r S)%Q].

(** ** The theorems (proved in Theorems.v under these names in lower case) *)

(** APP-B, with ties: the frontier greedy needs no strict inequality (nor
    monotonicity): its selection is a rooted subtree of every tree. *)
Definition APP_B_rooted : Prop :=
  forall inst sets, wf_instance inst -> greedy inst = OK sets ->
  all2 (fun r S => node_set r S && rooted r S) (requests inst) sets.

(** LEM-C1: the SLO phase's count is the fewest non-root nodes that any set
    of the tree's nodes (rooted or not, root or not) needs to reach the
    target; if the SLO phase exhausts the tree, no set reaches it. *)
Definition LEM_C1_minimal : Prop :=
  forall r, premise_request r ->
  match quota r with
  | Some q =>
      [/\ reaches_target r (slo_phase r).1, nonroot_count r (slo_phase r).1 = q &
          forall W, node_set r W -> reaches_target r W -> q <= nonroot_count r W]
  | None => forall W, node_set r W -> ~~ reaches_target r W
  end.

(** LEM-C2: the top-b values beat every set of b non-root nodes, hence every
    rooted subtree with b non-root nodes; the greedy's b-step selection is
    such a subtree (b <= nodes - 1) and attains the top-b value. *)
Definition LEM_C2_topk : Prop :=
  forall r b, premise_request r ->
  [/\ forall W, node_set r W -> all (fun v => v != root r) W -> size W = b ->
        (f r (root r) + qsum (map (f r) W) <= top_value r b)%Q,
      forall S, node_set r S -> rooted r S -> nonroot_count r S = b ->
        (value r S <= top_value r b)%Q &
      [/\ node_set r (tree_greedy r b), rooted r (tree_greedy r b),
          nonroot_count r (tree_greedy r b) = minn b (nodes r).-1 &
          (value r (tree_greedy r b) == top_value r b)%Q]].

(** App. C part 1 *)
Definition THM_P1_invalid_sound : Prop :=
  forall inst, premise inst -> greedy inst = INVALID -> forall sel, ~~ feasible inst sel.

(** App. C part 2 *)
Definition THM_P2_optimal : Prop :=
  forall inst, premise inst -> (exists sel, feasible inst sel) ->
  exists sets, greedy inst = OK sets /\ optimal inst sets.

(** The checker is sound.  It needs only well-formed trees with values >= 0
    (docs/format.md guarantees both; it checks monotonicity itself). *)
Definition Certificate_sound : Prop :=
  forall inst a obj c, wf_instance inst -> all nonneg (requests inst) -> check inst a obj c ->
  match a with
  | OK sets => optimal inst sets
  | INVALID => forall sel, ~~ feasible inst sel
  end.

(** The route to App. C: the greedy's own certificate is always accepted. *)
Definition Greedy_certified : Prop :=
  forall inst, premise inst ->
  check inst (greedy inst) (answer_objective inst (greedy inst)) (greedy_certificate inst).


(** ** Algorithm 1 with the paper's GetTop, for every tie-break

    APP-B as the paper argues it: under f(child) < f(parent), the largest
    unselected node always has its parent selected, so the selections are
    rooted subtrees. *)
Definition PAPER_APP_B_rooted : Prop :=
  forall gt gtop inst sets,
  tree_choice gt -> global_choice gtop -> strict_premise inst ->
  paper_greedy gt gtop inst = OK sets ->
  all2 (fun r S => node_set r S && rooted r S) (requests inst) sets.

(** App. C part 1 for the paper's greedy *)
Definition PAPER_THM_P1_invalid_sound : Prop :=
  forall gt gtop inst,
  tree_choice gt -> global_choice gtop -> strict_premise inst ->
  paper_greedy gt gtop inst = INVALID -> forall sel, ~~ feasible inst sel.

(** App. C part 2 for the paper's greedy *)
Definition PAPER_THM_P2_optimal : Prop :=
  forall gt gtop inst,
  tree_choice gt -> global_choice gtop -> strict_premise inst ->
  (exists sel, feasible inst sel) ->
  exists sets, paper_greedy gt gtop inst = OK sets /\ optimal inst sets.

(** The three are not vacuous: choice functions exist (the printed GetTop
    with index ties is one, Paper.v). *)
Definition PAPER_choices_exist : Prop :=
  exists gt gtop, tree_choice gt /\ global_choice gtop.

(** THM-3.1: for every tree T whose conds are a (sub-)distribution at each
    node and every rooted subtree S of T, the walk over S is a probability
    distribution and its expected number of accepted nodes (root included)
    is the sum of f over S. *)
Definition THM_3_1_expected_acceptance : Prop :=
  forall T keep, cond_ok T ->
  let S := prune keep [::] T in
  [/\ all (fun o => qle 0 o.2) (walk S), (total_prob S == 1)%Q &
      (expected_acc S == qsum (fvals S))%Q].

(** THM-4.1 as printed: "the optimal tree is contained in the candidate tree
    of a beam search of depth D_opt and width B" (every optimal tree).  It
    is false (Beam.v): [thm_4_1_counterexample]. *)
Definition THM_4_1_beam_contains_optimal : Prop :=
  forall r b S, premise_request r -> optimal_budget r b S ->
  {subset S <= beam r b (sel_depth r S)}.

(** a concrete instance, under the strict premise, with an optimal tree
    outside the beam (a tie between siblings) *)
Definition THM_4_1_counterexample : Prop :=
  exists r b S, [/\ premise_request r && strict r, optimal_budget r b S &
                    ~ {subset S <= beam r b (sel_depth r S)}].

(** hence THM-4.1 as printed is false *)
Definition THM_4_1_as_printed_is_false : Prop :=
  ~ THM_4_1_beam_contains_optimal.

(** THM-4.1 corrected: SOME optimal tree (the frontier greedy's, ties by
    larger f, smaller depth, smaller index) lies in the beam of width b and
    every depth D >= its own depth; ties (premise <=) allowed. *)
Definition THM_4_1_corrected : Prop :=
  forall r b, premise_request r ->
  exists2 S, optimal_budget r b S &
  forall D, sel_depth r S <= D -> {subset S <= beam r b D}.
