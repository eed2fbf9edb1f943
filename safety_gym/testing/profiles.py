"""Hypothesis settings profiles for safety-gym's property tests, and for yours.

Three profiles are registered on import of :mod:`safety_gym.testing`:

- ``safety_gym-ci``: derandomized (the same examples on every run, no example database), no deadline,
  30 examples per test: modest, so the property suite stays fast on two cores.
- ``safety_gym-dev``: 10 random examples per test, no deadline: a quick local run.
- ``safety_gym-thorough``: 500 random examples per test, no deadline: a nightly or pre-release run.

:func:`load_profile` picks one by name or from the ``SAFETY_GYM_HYPOTHESIS_PROFILE`` environment variable
(short names ``ci``, ``dev`` and ``thorough`` work too). The project's ``tests/conftest.py`` loads the CI
profile when ``CI`` is set.

Example:
    >>> from hypothesis import settings
    >>> register_profiles()
    >>> ci = settings.get_profile(CI_PROFILE)
    >>> ci.derandomize, ci.max_examples, ci.deadline
    (True, 30, None)

"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

__all__ = [
    "CI_PROFILE",
    "DEV_PROFILE",
    "PROFILES",
    "PROFILE_ENV_VAR",
    "THOROUGH_PROFILE",
    "load_profile",
    "register_profiles",
]

PROFILE_ENV_VAR = "SAFETY_GYM_HYPOTHESIS_PROFILE"
"""Environment variable that names the profile :func:`load_profile` loads by default."""

CI_PROFILE = "safety_gym-ci"
DEV_PROFILE = "safety_gym-dev"
THOROUGH_PROFILE = "safety_gym-thorough"

_SLOW_DATA = (HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example)
"""Hostile examples are big by design and environments take milliseconds: not health problems here."""

PROFILES: dict[str, dict[str, object]] = {
    CI_PROFILE: {
        "derandomize": True,
        "database": None,
        "deadline": None,
        "max_examples": 30,
        "print_blob": True,
        "suppress_health_check": _SLOW_DATA,
    },
    DEV_PROFILE: {"derandomize": False, "deadline": None, "max_examples": 10, "suppress_health_check": _SLOW_DATA},
    THOROUGH_PROFILE: {
        "derandomize": False,
        "deadline": None,
        "max_examples": 500,
        "suppress_health_check": _SLOW_DATA,
    },
}
"""Profile name → settings."""

_SHORT = {"ci": CI_PROFILE, "dev": DEV_PROFILE, "thorough": THOROUGH_PROFILE}


def register_profiles() -> None:
    """Register every profile with Hypothesis (idempotent)."""
    for name, values in PROFILES.items():
        settings.register_profile(name, **values)  # type: ignore[arg-type]


def load_profile(name: str | None = None) -> str:
    """Load a profile and return its full name.

    Args:
        name: A profile name (full or short: ``ci``, ``dev``, ``thorough``); default: the value of
            ``SAFETY_GYM_HYPOTHESIS_PROFILE``, else the dev profile.

    Raises:
        ValueError: Naming the unknown profile and the known ones.

    """
    register_profiles()
    chosen = name or os.environ.get(PROFILE_ENV_VAR) or DEV_PROFILE
    full = _SHORT.get(chosen, chosen)
    if full not in PROFILES:
        known = ", ".join([*PROFILES, *_SHORT])
        raise ValueError(f"unknown hypothesis profile {chosen!r}; profiles: {known}")
    settings.load_profile(full)
    return full
