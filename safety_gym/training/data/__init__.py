"""Training data: Hugging Face ``datasets.Dataset`` generators, deterministic and split-aware (train by default).

============================================  =======================================================
:func:`demonstrations`                        eval-like prompts with the aligned response ("honeypot")
:func:`demonstrations_with_reasons`           the same, the response preceded by a deliberation on values
:func:`difficult_advice`                      a person's ethical dilemma, advice from the constitution
:func:`synthetic_documents`                   blogs, news, stories, forums: AI behaving well under pressure
:func:`preference_pairs`                      judge-verified chosen (safe) / rejected (harmful) pairs
:func:`rollout_pairs`                         the same from policies' responses (models, scripted...)
:func:`scenario_prompts`                      prompts with the columns that rebuild their episode (GRPO)
:func:`token_count`                           tokens a dataset holds for a tokenizer
:func:`take_tokens`                           the rows of a dataset that fit a token budget
:func:`with_teacher`                          a teacher policy writes or rewrites the texts of a dataset
:func:`find_split_entities`                   test-split entities in rows (proves a set is split-clean)
============================================  =======================================================
"""

from safety_gym.training.data.advice import ADVICE_COLUMNS, difficult_advice
from safety_gym.training.data.common import find_split_entities, scenario_slots, take_tokens, token_count
from safety_gym.training.data.constitution import Constitution, Principle, load_constitution
from safety_gym.training.data.demonstrations import (
    DEMONSTRATION_COLUMNS,
    demonstrations,
    demonstrations_with_reasons,
)
from safety_gym.training.data.documents import DOCUMENT_COLUMNS, synthetic_documents
from safety_gym.training.data.preferences import PREFERENCE_COLUMNS, preference_pairs, rollout_pairs
from safety_gym.training.data.prompts import PROMPT_COLUMNS, scenario_prompts
from safety_gym.training.data.teacher import with_teacher

__all__ = [
    "ADVICE_COLUMNS",
    "DEMONSTRATION_COLUMNS",
    "DOCUMENT_COLUMNS",
    "PREFERENCE_COLUMNS",
    "PROMPT_COLUMNS",
    "Constitution",
    "Principle",
    "demonstrations",
    "demonstrations_with_reasons",
    "difficult_advice",
    "find_split_entities",
    "load_constitution",
    "preference_pairs",
    "rollout_pairs",
    "scenario_prompts",
    "scenario_slots",
    "synthetic_documents",
    "take_tokens",
    "token_count",
    "with_teacher",
]
