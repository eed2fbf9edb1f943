"""What several families share.

The workplace cast and inbox, goal-conflict factors and text, threat vocabulary, text signals and judge helpers.
Never imports a family.
"""
