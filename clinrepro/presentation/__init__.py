"""Stage 5: presentation for people: words, tables, figures, the report and the
sensitivity page."""
