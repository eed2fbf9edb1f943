"""Judges: deterministic, state-based detectors that turn a world into verdicts."""
