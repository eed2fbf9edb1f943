"""What several families share.

The workplace cast and inbox, the story frame of the company-inbox generators (:mod:`.story`), goal-conflict factors
and text, the template conventions and shared slots (:mod:`.templates`), threat vocabulary, text signals, reference
calls and judge helpers. Never imports a family.
"""
