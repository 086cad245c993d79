"""Reconciliation: for each claim its data do not reproduce, the explanations that do.

Every claim of the audit whose status is `mismatch` (and every `not_computable` one whose
ledger row has an analysis look-up) goes through a seeded, bounded search over single
explanations, each recomputed from the per-patient values of ADSL and ADEFF, never from
rounded numbers:

- granularity: is the printed value possible at all with the data's n (GRIM, GRIMMER)?
- rounding: half to even, half down, truncation, up (ceiling) or down (floor);
- population: every population flag, paired-only or all available values, missing
  responses left out or counted as non-responders;
- test: the other paired test, exact or normal approximation, one- or two-sided;
- leaving out one patient, or two (every pair up to `max_pairs_patients`, a seeded sample
  of as many pairs above); not for a count of a category, which any of its patients left
  out lowers by one (the verdict says how many patients it is off);
- one printed cell read differently: two adjacent digits transposed, a digit dropped, the
  value of the next or previous visit's column.

A value reproduces the claim when, rounded half up to the claim's precision, it equals the
reported value, or when it satisfies the claim's bound ('p > 0.05'). Pure: tables in,
tables out; no files.

The modules in the order they run (each imports only those before it):
claims (the claims searched, and how a value prints as one) < recipes (how a claim's value
comes from the patients of ADSL and ADEFF) < recomputing (the value after a change of
patients, from sums where it can) < search (one claim's search: granularity, rounding,
other populations and tests) < changes (leaving out patients, misreading one cell) < run
(`reconcile_claims`: every claim, its explanations ranked).
"""
