(** * Exact sums of rationals and the two counting lemmas behind the proofs

    - Qplus is a *Leibniz* commutative monoid on Q (its numerators are
      integers, denominators positives: the laws hold as equalities of
      terms), so MathComp's bigop applies to sums of Q and rewrites need no
      setoids.
    - [topk_max]: no set of k elements has a larger sum than the first k of a
      list sorted by non-increasing value (Lemma C.2's counting core).
    - [pair_bound]: the exchange argument of docs/certificates.md. *)

From Coq Require Import ZArith QArith Lqa Lia.
From mathcomp Require Import ssreflect ssrbool ssrfun eqtype ssrnat seq path bigop.
From AdaServe Require Import Statement.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.
Local Close Scope Q_scope.

(** ** Q as a monoid *)

Lemma QplusA_L : associative Qplus.
Proof.
move=> [a p] [b q] [c s]; rewrite /Qplus /=; congr Qmake; last by rewrite Pos.mul_assoc.
rewrite /= !Pos2Z.inj_mul; ring.
Qed.

Lemma QplusC_L : commutative Qplus.
Proof. by move=> [a p] [b q]; rewrite /Qplus /=; congr Qmake; [ring | rewrite Pos.mul_comm]. Qed.

Lemma Qplus0l_L : left_id 0%Q Qplus.
Proof. by move=> [a p]; rewrite /Qplus /=; congr Qmake; rewrite /=; ring. Qed.

Lemma Qplus0r_L : right_id 0%Q Qplus.
Proof. by move=> [a p]; rewrite /Qplus /=; congr Qmake; [rewrite /=; ring | rewrite Pos.mul_1_r]. Qed.

Canonical Qplus_monoid := Monoid.Law QplusA_L Qplus0l_L Qplus0r_L.
Canonical Qplus_comoid := Monoid.ComLaw QplusC_L.

Notation "\qsum_ ( i <- r ) F" := (\big[Qplus/0%Q]_(i <- r) F%Q)
  (at level 41, F at level 41, i, r at level 50,
   format "'[' \qsum_ ( i  <-  r ) '/  '  F ']'").
Notation "\qsum_ ( i <- r | P ) F" := (\big[Qplus/0%Q]_(i <- r | P%B) F%Q)
  (at level 41, F at level 41, i, r at level 50,
   format "'[' \qsum_ ( i  <-  r  |  P ) '/  '  F ']'").

Lemma mem_tail (T : eqType) (x y : T) (s : seq T) : y \in s -> y \in x :: s.
Proof. by rewrite inE => ->; rewrite orbT. Qed.

(** ** Boolean comparisons reflect the Q relations *)

Lemma qleP x y : reflect (x <= y)%Q (qle x y).
Proof. by apply: (iffP idP) => /Qle_bool_iff. Qed.

Lemma qltP x y : reflect (x < y)%Q (qlt x y).
Proof.
rewrite /qlt; apply: (iffP negP) => [H | H /Qle_bool_iff]; last by apply: Qlt_not_le.
by apply: Qnot_le_lt => /Qle_bool_iff.
Qed.

Lemma qeqP x y : reflect (x == y)%Q (qeq x y).
Proof. by apply: (iffP idP) => /Qeq_bool_iff. Qed.

Lemma qeq_refl x : qeq x x.
Proof. by apply/qeqP; apply: Qeq_refl. Qed.

Lemma qltNge x y : qlt x y = ~~ qle y x.
Proof. by []. Qed.

(** ** Sums *)

Lemma Qle_addl x y : (0 <= x)%Q -> (y <= x + y)%Q.
Proof. lra. Qed.

Lemma Qle_add2l x y z : (y <= z)%Q -> (x + y <= x + z)%Q.
Proof. lra. Qed.

(** counts as rationals: [c * n] expanded, for lra (which treats products as atoms) *)
Lemma mul_qnatS c n : (c * inject_Z (Z.of_nat n.+1) == c * inject_Z (Z.of_nat n) + c)%Q.
Proof. rewrite Nat2Z.inj_succ /Z.succ inject_Z_plus. ring. Qed.

Lemma mul_qnat0 c : (c * inject_Z (Z.of_nat 0) == 0)%Q.
Proof. rewrite /=. ring. Qed.

Lemma mul_qnatD c m n :
  (c * inject_Z (Z.of_nat (m + n)) == c * inject_Z (Z.of_nat m) + c * inject_Z (Z.of_nat n))%Q.
Proof. rewrite Nat2Z.inj_add inject_Z_plus. ring. Qed.

Lemma qsumE (s : seq Q) : qsum s = \qsum_(x <- s) x.
Proof. by elim: s => [|x s IH]; rewrite ?big_nil ?big_cons //= IH. Qed.

Lemma qsum_map (T : Type) (F : T -> Q) (s : seq T) : qsum (map F s) = \qsum_(x <- s) F x.
Proof. by rewrite qsumE big_map. Qed.

Section Sums.
Variable T : eqType.
Implicit Types (s : seq T) (F G : T -> Q).

Lemma ler_qsum s F G :
  (forall x, x \in s -> F x <= G x)%Q -> (\qsum_(x <- s) F x <= \qsum_(x <- s) G x)%Q.
Proof.
elim: s => [|x s IH] H; first by rewrite !big_nil; apply: Qle_refl.
rewrite !big_cons; apply: Qplus_le_compat; first by apply: H; rewrite mem_head.
by apply: IH => y ys; apply: H; rewrite inE ys orbT.
Qed.

Lemma qsum_ge0 s F : (forall x, x \in s -> 0 <= F x)%Q -> (0 <= \qsum_(x <- s) F x)%Q.
Proof.
move=> H; have := ler_qsum (F := fun _ => 0%Q) H.
by rewrite big1_eq.
Qed.

(** the sum over distinct [s1] is at most the sum over distinct [s2] containing it, values >= 0 *)
Lemma qsum_sub_le s1 s2 F :
  uniq s1 -> uniq s2 -> {subset s1 <= s2} -> (forall x, x \in s2 -> 0 <= F x)%Q ->
  (\qsum_(x <- s1) F x <= \qsum_(x <- s2) F x)%Q.
Proof.
move=> u1 u2 sub H.
have P : perm_eq [seq x <- s2 | x \in s1] s1.
  apply: uniq_perm; rewrite ?filter_uniq // => x.
  by rewrite mem_filter andb_idr //; apply: sub.
rewrite -(perm_big _ P) big_filter.
rewrite [X in (_ <= X)%Q](bigID (fun x => x \in s1)) /=.
have : (0 <= \qsum_(x <- s2 | ~~ (x \in s1)) F x)%Q.
  rewrite -big_filter; apply: qsum_ge0 => x; rewrite mem_filter => /andP [_]; exact: H.
lra.
Qed.

Lemma qsum_le_const s F c : (forall x, x \in s -> F x <= c)%Q ->
  (\qsum_(x <- s) F x <= c * inject_Z (Z.of_nat (size s)))%Q.
Proof.
elim: s => [|x s IH] H; first by rewrite big_nil /= /inject_Z; lra.
rewrite big_cons; have := H x (mem_head _ _); have := IH (fun y ys => H y (mem_tail _ ys)).
have := mul_qnatS c (size s); rewrite /=; lra.
Qed.

Lemma qsum_ge_const s F c : (forall x, x \in s -> c <= F x)%Q ->
  (c * inject_Z (Z.of_nat (size s)) <= \qsum_(x <- s) F x)%Q.
Proof.
elim: s => [|x s IH] H; first by rewrite big_nil /= /inject_Z; lra.
rewrite big_cons; have := H x (mem_head _ _); have := IH (fun y ys => H y (mem_tail _ ys)).
have := mul_qnatS c (size s); rewrite /=; lra.
Qed.

(** ** Top-k: a list sorted by non-increasing F has the largest prefix sums *)

Definition geF F : rel T := fun x y => qle (F y) (F x).

Lemma geF_trans F : transitive (geF F).
Proof. by move=> y x z /qleP H1 /qleP H2; apply/qleP; apply: Qle_trans H2 H1. Qed.

Lemma take_rcons_last (x0 : T) s k :
  k < size s -> take k.+1 s = rcons (take k s) (nth x0 s k).
Proof. exact: take_nth. Qed.

(** No k distinct elements of a sorted list [sigma] sum to more than its first k. *)
Lemma topk_max F sigma W :
  pairwise (geF F) sigma -> uniq W -> {subset W <= sigma} ->
  (\qsum_(x <- W) F x <= \qsum_(x <- take (size W) sigma) F x)%Q.
Proof.
elim: sigma W => [|x sigma IH] W /=.
  case: W => [|w W] _ _ sub; first by rewrite !big_nil; apply: Qle_refl.
  by have := sub w (mem_head _ _).
move=> /andP [xall psig] uW sub.
case xW: (x \in W).
- have P := perm_to_rem xW.
  rewrite (perm_big _ P) big_cons (perm_size P) /= big_cons.
  apply: Qplus_le_compat; first by apply: Qle_refl.
  apply: IH => //; first exact: rem_uniq.
  move=> y; rewrite (mem_rem_uniq _ uW) inE => /andP [yx yW].
  by have := sub y yW; rewrite inE (negbTE yx).
- have subW : {subset W <= sigma}.
    by move=> y yW; have := sub y yW; rewrite inE; case: eqP => [yx | //]; move: yW; rewrite yx xW.
  case: W uW sub xW subW => [|w W] uW sub xW subW; first by rewrite !big_nil; apply: Qle_refl.
  have ks : size W < size sigma by have := uniq_leq_size uW subW.
  have H1 := IH _ (psig) uW subW.
  rewrite /= !big_cons in H1 *.
  rewrite (take_rcons_last x ks) -cats1 big_cat big_seq1 /= in H1.
  have Hn : (F (nth x sigma (size W)) <= F x)%Q.
    by apply/qleP; move/allP: xall; apply; rewrite mem_nth.
  lra.
Qed.

Lemma sum_take_mono F sigma k1 k2 :
  k1 <= k2 -> (forall x, x \in sigma -> 0 <= F x)%Q ->
  (\qsum_(x <- take k1 sigma) F x <= \qsum_(x <- take k2 sigma) F x)%Q.
Proof.
move=> le H; rewrite -(subnKC le) takeD big_cat /=.
have : (0 <= \qsum_(x <- take (k2 - k1) (drop k1 sigma)) F x)%Q.
  by apply: qsum_ge0 => y /mem_take /mem_drop; apply: H.
lra.
Qed.

(** at most k distinct elements of [sigma], values >= 0 *)
Lemma topk_max_le F sigma W k :
  pairwise (geF F) sigma -> uniq W -> {subset W <= sigma} -> size W <= k ->
  (forall x, x \in sigma -> 0 <= F x)%Q ->
  (\qsum_(x <- W) F x <= \qsum_(x <- take k sigma) F x)%Q.
Proof.
move=> ps uW sub le H; apply: Qle_trans (topk_max ps uW sub) _.
exact: sum_take_mono.
Qed.

(** two sorted arrangements of the same distinct elements have the same prefix sums *)
Lemma sorted_prefix_sums F s1 s2 k :
  pairwise (geF F) s1 -> pairwise (geF F) s2 -> uniq s1 -> uniq s2 -> s1 =i s2 ->
  (\qsum_(x <- take k s1) F x == \qsum_(x <- take k s2) F x)%Q.
Proof.
move=> p1 p2 u1 u2 E.
have sz : size s1 = size s2 by apply: perm_size; apply: uniq_perm.
have one : forall a b, pairwise (geF F) a -> uniq b -> a =i b -> size a = size b ->
    (\qsum_(x <- take k b) F x <= \qsum_(x <- take k a) F x)%Q.
  move=> a b pa ub Eab szab.
  have sub : {subset take k b <= a} by move=> y /mem_take yb; rewrite Eab.
  have := topk_max pa (take_uniq k ub) sub.
  rewrite size_take -szab; case: ltnP => // le.
  by rewrite take_size (take_oversize le).
apply: Qle_antisym; last exact: one.
by apply: one => // y; rewrite E.
Qed.

(** ** The exchange argument *)

(** Pair every element of [Y] with one of [X] that it dominates; what is left
    of [X] is worth at most lambda each, or every element of [Y] is worth at
    least lambda. *)
Lemma pair_bound F (lam : Q) X Y :
  (forall x, x \in X -> F x <= lam)%Q ->
  (forall x y, x \in X -> y \in Y -> F x <= F y)%Q ->
  (size Y <= size X) || all (fun y => qle lam (F y)) Y ->
  (\qsum_(x <- X) F x + lam * inject_Z (Z.of_nat (size Y))
   <= \qsum_(y <- Y) F y + lam * inject_Z (Z.of_nat (size X)))%Q.
Proof.
move=> HX HXY /orP [le | /allP HY].
- elim: Y X HX HXY le => [|y Y IH] X HX HXY le.
    by rewrite big_nil; have := qsum_le_const HX; rewrite /= /inject_Z; lra.
  case: X HX HXY le => [|x X] //= HX HXY le.
  have := IH X (fun z zX => HX z (mem_tail _ zX))
    (fun a b aX bY => HXY a b (mem_tail _ aX) (mem_tail _ bY)) le.
  have := HXY x y (mem_head _ _) (mem_head _ _).
  have := mul_qnatS lam (size X); have := mul_qnatS lam (size Y).
  rewrite !big_cons /=; lra.
- have h1 := qsum_le_const HX.
  have h2 := qsum_ge_const (fun y yY => (qleP _ _ (HY y yY))).
  lra.
Qed.

(** The per-request exchange of docs/certificates.md: [C] chosen, [W] any
    other choice of distinct elements. *)
Lemma exchange F (lam : Q) C W :
  uniq C -> uniq W ->
  (forall u, u \in W -> u \notin C -> F u <= lam)%Q ->
  (forall u x, u \in W -> u \notin C -> x \in C -> F u <= F x)%Q ->
  (size C <= size W) || all (fun x => qle lam (F x)) C ->
  (\qsum_(x <- W) F x + lam * inject_Z (Z.of_nat (size C))
   <= \qsum_(x <- C) F x + lam * inject_Z (Z.of_nat (size W)))%Q.
Proof.
move=> uC uW H1 H2 H3.
set X := [seq u <- W | u \notin C]; set Y := [seq x <- C | x \notin W].
set I1 := [seq u <- W | u \in C]; set I2 := [seq x <- C | x \in W].
have PI : perm_eq I1 I2.
  apply: uniq_perm; rewrite ?filter_uniq // => z; rewrite !mem_filter andbC.
  by case: (z \in W); case: (z \in C).
have sW : size W = (size I1 + size X)%N.
  by rewrite /I1 /X !size_filter -[X in X = _](count_predC (mem C)).
have sC : size C = (size I2 + size Y)%N.
  by rewrite /I2 /Y !size_filter -[X in X = _](count_predC (mem W)).
have eW : \qsum_(x <- W) F x = (\qsum_(x <- I1) F x + \qsum_(x <- X) F x)%Q.
  by rewrite (bigID (mem C)) /= !big_filter.
have eC : \qsum_(x <- C) F x = (\qsum_(x <- I2) F x + \qsum_(x <- Y) F x)%Q.
  by rewrite (bigID (mem W)) /= !big_filter.
have eI : \qsum_(x <- I1) F x = \qsum_(x <- I2) F x by apply: perm_big.
have hX : forall x, x \in X -> (F x <= lam)%Q.
  by move=> x; rewrite mem_filter => /andP [xC xW]; apply: H1.
have hXY : forall x y, x \in X -> y \in Y -> (F x <= F y)%Q.
  move=> x y; rewrite !mem_filter => /andP [xC xW] /andP [_ yC]; exact: H2.
have hsz : (size Y <= size X) || all (fun y => qle lam (F y)) Y.
  case/orP: H3 => [le | /allP HC].
    by apply/orP; left; rewrite sW sC (perm_size PI) leq_add2l in le.
  by apply/orP; right; apply/allP => y; rewrite mem_filter => /andP [_ yC]; apply: HC.
have HP := pair_bound hX hXY hsz.
rewrite eW eC eI sW sC (perm_size PI).
have := mul_qnatD lam (size I2) (size Y); have := mul_qnatD lam (size I2) (size X).
lra.
Qed.

End Sums.

(** ** Folds of max and min over values of nodes *)

Lemma foldl_qmax_ge (x : Q) (s : seq Q) :
  (x <= foldl qmax x s)%Q /\ all (fun y => qle y (foldl qmax x s)) s.
Proof.
elim: s x => [|y s IH] x /=; first by split => //; apply: Qle_refl.
have [H1 H2] := IH (qmax x y).
have Hxy : (x <= qmax x y)%Q /\ (y <= qmax x y)%Q.
  by rewrite /qmax; case: (qleP x y) => H; split; try apply: Qle_refl; try lra.
split; first by apply: Qle_trans H1; case: Hxy.
by rewrite H2 andbT; apply/qleP; apply: Qle_trans H1; case: Hxy.
Qed.

Lemma foldl_qmin_le (x : Q) (s : seq Q) :
  (foldl qmin x s <= x)%Q /\ all (fun y => qle (foldl qmin x s) y) s.
Proof.
elim: s x => [|y s IH] x /=; first by split => //; apply: Qle_refl.
have [H1 H2] := IH (qmin x y).
have Hxy : (qmin x y <= x)%Q /\ (qmin x y <= y)%Q.
  by rewrite /qmin; case: (qleP x y) => H; split; try apply: Qle_refl; try lra.
split; first by apply: Qle_trans H1 _; case: Hxy.
by rewrite H2 andbT; apply/qleP; apply: Qle_trans H1 _; case: Hxy.
Qed.

(** the fold returns one of the elements: a lower bound on all of them is one on it *)
Lemma foldl_qmax_bound (P : Q -> Prop) (x : Q) (s : seq Q) :
  P x -> (forall y, List.In y s -> P y) -> P (foldl qmax x s).
Proof.
elim: s x => [|y s IH] x Px Hs //=; apply: IH; last by move=> z zs; apply: Hs; right.
by rewrite /qmax; case: qle => //; apply: Hs; left.
Qed.

Lemma foldl_qmin_bound (P : Q -> Prop) (x : Q) (s : seq Q) :
  P x -> (forall y, List.In y s -> P y) -> P (foldl qmin x s).
Proof.
elim: s x => [|y s IH] x Px Hs //=; apply: IH; last by move=> z zs; apply: Hs; right.
by rewrite /qmin; case: qle => //; apply: Hs; left.
Qed.

(** ** Aligned lists (requests and their sets) as indexed families *)

Section Aligned.
Variables (A B : Type) (a0 : A) (b0 : B).

Lemma all2_nthP (P : A -> B -> bool) (s : seq A) (t : seq B) :
  reflect (size s = size t /\ forall i, i < size s -> P (nth a0 s i) (nth b0 t i)) (all2 P s t).
Proof.
elim: s t => [|x s IH] [|y t] /=.
- by apply: ReflectT.
- by apply: ReflectF; case.
- by apply: ReflectF; case.
apply: (iffP andP) => [[Pxy /IH [sz H]] | [[sz] H]].
  by split; [rewrite sz | case=> [|i] //= /H].
split; first exact: (H 0).
by apply/IH; split=> // i lt; apply: (H i.+1).
Qed.

Lemma all_zip_nthP (P : pred (A * B)) (s : seq A) (t : seq B) : size s = size t ->
  reflect (forall i, i < size s -> P (nth a0 s i, nth b0 t i)) (all P (zip s t)).
Proof.
elim: s t => [|x s IH] [|y t] //= sz; first by apply: ReflectT.
case: sz => sz; apply: (iffP andP) => [[Pxy /(IH _ sz) H] | H].
  by case=> [|i] //= /H.
split; first exact: (H 0).
by apply/(IH _ sz) => i lt; apply: (H i.+1).
Qed.

Lemma sumn_zip_nth (g : A -> B -> nat) (s : seq A) (t : seq B) : size s = size t ->
  sumn [seq g xy.1 xy.2 | xy <- zip s t]
  = sumn [seq g (nth a0 s i) (nth b0 t i) | i <- iota 0 (size s)].
Proof.
elim: s t => [|x s IH] [|y t] //= [sz]; rewrite (IH _ sz); congr (_ + _).
by rewrite -[1]addn0 iotaDl -map_comp.
Qed.

Lemma sumn_map_nth (g : A -> nat) (s : seq A) :
  sumn (map g s) = sumn [seq g (nth a0 s i) | i <- iota 0 (size s)].
Proof.
elim: s => [|x s IH] //=; rewrite IH; congr (_ + _).
by rewrite -[1]addn0 iotaDl -map_comp.
Qed.

Lemma sumn_set_nth (g : A -> nat) (s : seq A) i y : i < size s ->
  sumn (map g (set_nth a0 s i y)) + g (nth a0 s i) = sumn (map g s) + g y.
Proof.
elim: s i => [|x s IH] [|i] //= lt.
  by rewrite -!plusE; lia.
by rewrite -addnA IH // addnA.
Qed.

Lemma sumn_le (g h : A -> nat) (s : seq A) :
  (forall x, List.In x s -> g x <= h x) -> sumn (map g s) <= sumn (map h s).
Proof.
elim: s => [|x s IH] //= H; apply: leq_add; first by apply: H; left.
by apply: IH => y ys; apply: H; right.
Qed.

End Aligned.

Lemma sumn_map_lt (T : eqType) (g h : T -> nat) (s : seq T) :
  (forall x, x \in s -> g x < h x) -> s != [::] -> sumn (map g s) < sumn (map h s).
Proof.
elim: s => [|x s IH] //= H _; have Hx := H x (mem_head _ _).
case: s IH H => [|y s] IH H; first by rewrite /= !addn0.
have Hs : sumn [seq g i | i <- y :: s] < sumn [seq h i | i <- y :: s].
  by apply: IH => // z zs; apply: H; rewrite inE zs orbT.
by rewrite -addSn; exact: leq_add Hx (ltnW Hs).
Qed.

Lemma zip_iota (A B : Type) (a0 : A) (b0 : B) (s : seq A) (t : seq B) : size s = size t ->
  zip s t = [seq (nth a0 s i, nth b0 t i) | i <- iota 0 (size s)].
Proof.
elim: s t => [|x s IH] [|y t] //= [sz]; rewrite (IH _ sz); congr (_ :: _).
by rewrite -[1]addn0 iotaDl -map_comp.
Qed.

Lemma map_iota_nth (A : Type) (a0 : A) (s : seq A) :
  s = [seq nth a0 s i | i <- iota 0 (size s)].
Proof.
elim: s => [|x s IH] //=; congr (_ :: _).
by rewrite {1}IH -[1]addn0 iotaDl -map_comp.
Qed.

Lemma all_In (A : Type) (P : pred A) (s : seq A) y : all P s -> List.In y s -> P y.
Proof. by elim: s => [|x s IH] //= /andP [Px Ps] [<- | ys] //; apply: IH. Qed.

Lemma all_drop (A : Type) (P : pred A) (s : seq A) n : all P s -> all P (drop n s).
Proof. by rewrite -{1}(cat_take_drop n s) all_cat => /andP []. Qed.

Lemma sumn_add1 (A : Type) (g : A -> nat) (s : seq A) :
  sumn [seq (g x).+1 | x <- s] = sumn (map g s) + size s.
Proof. by elim: s => [|x s IH] //=; rewrite IH addSn addnS addnA. Qed.

Lemma qsum_mul_nat (A : Type) (c : Q) (g : A -> nat) (s : seq A) :
  (\qsum_(x <- s) (c * inject_Z (Z.of_nat (g x))) == c * inject_Z (Z.of_nat (sumn (map g s))))%Q.
Proof.
elim: s => [|x s IH]; first by rewrite big_nil /=; ring.
rewrite big_cons /= IH Nat2Z.inj_add inject_Z_plus; ring.
Qed.

(** the last element of a list sorted by non-increasing value is its least *)
Lemma sorted_desc_drop (lam : Q) (p : seq Q) n :
  sorted (fun x y => Qle_bool y x) p -> n < size p -> all (qle lam) (drop n p) -> all (qle lam) p.
Proof.
elim: p n => [|y p IH] // [|n] //= sp lt Hd.
have Hp : all (qle lam) p by apply: (IH n) => //; apply: path_sorted sp.
rewrite Hp andbT; case: p sp lt Hd Hp IH => [|z p] //= /andP [zy _] _ _ /andP [lz _] _.
by apply/qleP; apply: Qle_trans (qleP _ _ lz) (qleP _ _ zy).
Qed.

Lemma all_flatten (A : Type) (P : pred A) (ss : seq (seq A)) :
  all P (flatten ss) = all (all P) ss.
Proof. by elim: ss => [|s ss IH] //=; rewrite all_cat IH. Qed.

Lemma sumn_le_in (A : eqType) (g h : A -> nat) (s : seq A) :
  (forall x, x \in s -> g x <= h x) -> sumn (map g s) <= sumn (map h s).
Proof.
elim: s => [|x s IH] //= H; apply: leq_add; first by apply: H; rewrite mem_head.
by apply: IH => y ys; apply: H; rewrite inE ys orbT.
Qed.

Lemma sumn_eq0 (s : seq nat) : (sumn s == 0) = all (fun x => x == 0) s.
Proof. by elim: s => [|x s IH] //=; rewrite addn_eq0 IH. Qed.
