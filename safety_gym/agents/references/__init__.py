"""Reference responses: complete, labelled responses (harmful and safe) that each family can write.

They drive the scripted policies, choice mode and training-data generation. They are privileged:
they are built from the scenario's hidden facts, so a learning agent never sees them.
"""
