"""Test settings: Hypothesis replays a fixed, reproducible set of examples; set
HYPOTHESIS_PROFILE=random to explore new ones."""

import os

from hypothesis import settings

settings.register_profile("fixed", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("random", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))
