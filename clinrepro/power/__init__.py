"""Stage 6: power and sample size for the next trial, from ADEFF and the settings."""
