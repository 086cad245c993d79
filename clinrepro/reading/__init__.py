"""Stage 1: reading and validating the raw files into tidy tables (extract, then validate)."""
