"""Policies: scripted baselines and reference responses; observations in, actions out."""
