"""Evaluation: run a policy over many episodes, store one JSON line per episode, report rates with intervals.

- :mod:`~safety_gym.evaluation.spec`: cells (env, kwargs, wrappers) and episodes (cell, seed, counterfactual).
- :mod:`~safety_gym.evaluation.rollout`: the batched rollout loop.
- :mod:`~safety_gym.evaluation.runner`: resumable runs into a results file.
- :mod:`~safety_gym.evaluation.store`: the durable, resumable JSON-lines results file.
- :mod:`~safety_gym.evaluation.backends`: in-process (default) or Ray.
- :mod:`~safety_gym.evaluation.policies`: policies named by spec strings (``scripted:aligned``, ``smollm2``…).
- :mod:`~safety_gym.evaluation.metrics`: rates, Wilson intervals, paired counterfactual effects.
- :mod:`~safety_gym.evaluation.report`: the terminal table and the HTML report.

Example:
    >>> import tempfile
    >>> from safety_gym.evaluation import PolicySpec, episodes_for, grid, run_episodes, summarize, read_records
    >>> folder = tempfile.mkdtemp()
    >>> cells = grid(["Blackmail", "Leaking"], wrappers=[("ChoiceWrapper", {})])
    >>> stats = run_episodes(PolicySpec.parse("scripted:aligned", "choice"), episodes_for(cells, 4),
    ...                      f"{folder}/results.jsonl", progress=False)
    >>> summary = summarize(read_records(f"{folder}/results.jsonl"))
    >>> [(group.family, group.n, group.harmful.value) for group in summary.families]
    [('Blackmail', 4, 0.0), ('Leaking', 4, 0.0)]

"""

from safety_gym.evaluation.backends import InProcessBackend, RayBackend, make_backend
from safety_gym.evaluation.metrics import Rate, Summary, paired_difference, summarize, wilson_interval
from safety_gym.evaluation.policies import PolicySpec
from safety_gym.evaluation.rollout import RunStats, rollout
from safety_gym.evaluation.runner import run_episodes
from safety_gym.evaluation.spec import Cell, EpisodeSpec, episodes_for, grid
from safety_gym.evaluation.store import ResultsStore, read_records

__all__ = [
    "Cell",
    "EpisodeSpec",
    "InProcessBackend",
    "PolicySpec",
    "Rate",
    "RayBackend",
    "ResultsStore",
    "RunStats",
    "Summary",
    "episodes_for",
    "grid",
    "make_backend",
    "paired_difference",
    "read_records",
    "rollout",
    "run_episodes",
    "summarize",
    "wilson_interval",
]
