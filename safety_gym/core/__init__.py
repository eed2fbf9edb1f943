"""The lowest layer: data model, factors, draw streams, entity pools, template variants and verdicts.

Nothing here knows any family.
"""
