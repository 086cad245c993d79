"""Stage 4: the audit of the claims ledger against the ARD; clinrepro.audit.run runs its
parts in order (recompute, reconcile, specifications, summary_checks, verdicts, cells,
outcomes, eligibility)."""
