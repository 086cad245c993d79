"""Rebuild a clinical study's numbers from its published per-patient data."""
