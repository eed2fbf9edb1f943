"""The judge-agreement corpus: hand-labelled agent responses, and the code that fills and runs them.

The cases live in the ``*.yaml`` files of this folder (one per family, plus the Successor and the monitor's
decisions); :mod:`judge_corpus.corpus` loads them, fills their placeholders from real scenarios, renders
them in either tool-call syntax and runs them through the real environments. See ``docs/judge-corpus.md``.
"""
