"""Stage 2: the ADaM-shaped analysis datasets, ADSL and ADEFF, from the tidy tables."""
