"""The base every stage stands on: settings, files, errors, printing, the study's words.
Imports nothing from the stages above it (a test checks the layers)."""
