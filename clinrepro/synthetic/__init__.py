"""SYNTHETIC cohorts: the seeded generator of example cohorts (python -m clinrepro.synthetic)
and the resampling of a seed cohort to any size (rule synthesize)."""
