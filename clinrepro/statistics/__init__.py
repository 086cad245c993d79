"""Stage 3: the statistics, one long analysis results dataset (ARD) from ADSL and ADEFF."""
