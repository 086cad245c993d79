"""Stage 4: the audit of the claims ledger against the ARD. clinrepro.audit.run runs its
parts in this order, and each part imports only the parts before it:

recompute (each claim against the ARD) < reconcile (a package: the explanations of each
mismatch) < specifications (one reading of the methods for every claim) < summary_checks
(from the printed numbers alone: summary_printed < summary_p_values < summary_checks, GRIM
and GRIMMER from integrity) < verdicts < cells < outcomes < eligibility.
"""
