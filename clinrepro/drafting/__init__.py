"""Drafting a claims ledger from a publication's text: the statements found (statements),
the look-ups proposed from the cohort's settings (lookup), the draft against a hand-written
ledger (compare), written by run."""
