(* driver.ml: the command-line front of the greedy and the checker extracted
   from Statement.v (extracted/adaserve.ml).  Not verified: it only converts
   tokens to Coq values and back; proofs/coq_bridge/coq_greedy.py writes its input from
   JSON and reads its output.

   One command per line on stdin, one answer line per command on stdout:

     G <instance>                         greedy and its certificate
       -> OK <sets> OBJ <q> <cert>  |  INVALID <cert> MASS <list of q>
     K <instance> <answer> <obj> <cert>   the checker
       -> ACCEPT | REJECT
     (a malformed line -> ERROR <what>)

   <instance>  I <budget:z> <root_charged:0|1> <n> { <target:q> <k> <parent:z>*k <prob:q>*k }*n
   <answer>    OK <sets> | INVALID        <sets> = <n> { <k> <node>*k }*n
   <obj>       - | <q>
   <cert>      OPT <list nat> <list nat> <list opt q> <q> | INV <list opt nat> <list opt q> | NONE
   <list x>    <n> x*n          opt x: - (absent) or x

   Integers z are written in binary with an optional leading '-' ("0", "101",
   "-11"), so that numbers of any size convert exactly without arithmetic;
   rationals q as <z>/<positive in binary>; counts and node indices in decimal. *)

open Adaserve

exception Bad of string

let bad fmt = Printf.ksprintf (fun s -> raise (Bad s)) fmt

let nat_of_int n =
  let rec go k acc = if k <= 0 then acc else go (k - 1) (S acc) in
  go n O

let int_of_nat n =
  let rec go acc = function O -> acc | S m -> go (acc + 1) m in
  go 0 n

let pos_of_bits s i0 =
  let n = String.length s in
  if i0 >= n || s.[i0] <> '1' then bad "not a positive binary number: %S" s;
  let p = ref XH in
  for i = i0 + 1 to n - 1 do
    match s.[i] with
    | '1' -> p := XI !p
    | '0' -> p := XO !p
    | _ -> bad "not a binary number: %S" s
  done;
  !p

let z_of_tok s =
  if s = "0" then Z0
  else if s <> "" && s.[0] = '-' then Zneg (pos_of_bits s 1)
  else Zpos (pos_of_bits s 0)

let q_of_tok s =
  match String.index_opt s '/' with
  | None -> bad "not a rational: %S" s
  | Some k ->
      let num = z_of_tok (String.sub s 0 k) in
      let den = pos_of_bits (String.sub s (k + 1) (String.length s - k - 1)) 0 in
      { qnum = num; qden = den }

let bits_of_pos p =
  let b = Buffer.create 64 in
  let rec go = function
    | XH -> Buffer.add_char b '1'
    | XO p -> go p; Buffer.add_char b '0'
    | XI p -> go p; Buffer.add_char b '1'
  in
  go p;
  Buffer.contents b

let tok_of_z = function Z0 -> "0" | Zpos p -> bits_of_pos p | Zneg p -> "-" ^ bits_of_pos p
let tok_of_q q = tok_of_z q.qnum ^ "/" ^ bits_of_pos q.qden

(* ---- reading *)

type stream = { toks : string array; mutable pos : int }

let next st =
  if st.pos >= Array.length st.toks then bad "unexpected end of line";
  let t = st.toks.(st.pos) in
  st.pos <- st.pos + 1;
  t

let expect st w = let t = next st in if t <> w then bad "expected %s, got %S" w t

let count st =
  match int_of_string_opt (next st) with
  | Some n when n >= 0 -> n
  | _ -> bad "not a count"

(* exactly n items, read left to right *)
let items st n f =
  let rec go k acc = if k = 0 then List.rev acc else (let x = f st in go (k - 1) (x :: acc)) in
  go n []

let list st f = items st (count st) f
let nat st = nat_of_int (count st)
let z st = z_of_tok (next st)
let q st = q_of_tok (next st)
let opt f st =
  if st.pos < Array.length st.toks && st.toks.(st.pos) = "-" then (st.pos <- st.pos + 1; None)
  else Some (f st)

let request st =
  let target = q st in
  let k = count st in
  let parent = items st k z in
  let prob = items st k q in
  { target; parent; prob }

let instance st =
  expect st "I";
  let budget = z st in
  let root_charged = match next st with "0" -> false | "1" -> true | t -> bad "root_charged: %S" t in
  let requests = list st request in
  { budget; root_charged; requests }

let answer st =
  match next st with
  | "OK" -> OK (list st (fun st -> list st nat))
  | "INVALID" -> INVALID
  | t -> bad "answer: %S" t

let certificate st =
  match next st with
  | "OPT" ->
      let counts = list st nat in
      let quotas = list st nat in
      let qwit = list st (opt q) in
      let lam = q st in
      Optimal (counts, quotas, qwit, lam)
  | "INV" ->
      let mc = list st (opt nat) in
      let wit = list st (opt q) in
      Invalid (mc, wit)
  | "NONE" -> NoCertificate
  | t -> bad "certificate: %S" t

(* ---- writing *)

let out_list f xs = string_of_int (List.length xs) :: List.concat_map f xs
let out_nat n = [string_of_int (int_of_nat n)]
let out_opt f = function None -> ["-"] | Some x -> f x

let out_cert = function
  | Optimal (counts, quotas, qwit, lam) ->
      ("OPT" :: out_list out_nat counts) @ out_list out_nat quotas
      @ out_list (out_opt (fun x -> [tok_of_q x])) qwit @ [tok_of_q lam]
  | Invalid (mc, wit) ->
      ("INV" :: out_list (out_opt out_nat) mc) @ out_list (out_opt (fun x -> [tok_of_q x])) wit
  | NoCertificate -> ["NONE"]

let run_greedy inst =
  let a = greedy inst in
  let c = greedy_certificate inst in
  match a with
  | OK sets ->
      ("OK" :: out_list (out_list out_nat) sets) @ ["OBJ"; tok_of_q (objective inst sets)] @ out_cert c
  | INVALID ->
      ("INVALID" :: out_cert c) @ ("MASS" :: out_list (fun r -> [tok_of_q (mass r)]) inst.requests)

let command line =
  let toks = Array.of_list (List.filter (( <> ) "") (String.split_on_char ' ' (String.trim line))) in
  let st = { toks; pos = 0 } in
  let result =
    match next st with
    | "G" -> run_greedy (instance st)
    | "K" ->
        let inst = instance st in
        let a = answer st in
        let obj = opt q st in
        let c = certificate st in
        [if check inst a obj c then "ACCEPT" else "REJECT"]
    | t -> bad "unknown command %S" t
  in
  if st.pos <> Array.length toks then bad "trailing tokens";
  String.concat " " result

let () =
  try
    while true do
      let line = input_line stdin in
      let reply = try command line with Bad msg | Invalid_argument msg -> "ERROR " ^ msg in
      print_string reply;
      print_newline ()
    done
  with End_of_file -> ()
