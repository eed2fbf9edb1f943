"""Session set-up shared by every test: the Hypothesis settings profile.

``SAFETY_GYM_HYPOTHESIS_PROFILE`` names the profile (``ci``, ``dev``, ``thorough``); without it the CI profile
(derandomized, no deadline, modest example counts) is loaded when ``CI`` is set, the fast dev profile
otherwise. See ``safety_gym/testing/profiles.py``.
"""

from __future__ import annotations

import os

from safety_gym.testing import PROFILE_ENV_VAR, load_profile

load_profile(os.environ.get(PROFILE_ENV_VAR) or ("ci" if os.environ.get("CI") else "dev"))
