"""Suite-wide settings.

Property tests are derandomized: CI on a clean clone explores exactly the
examples a developer's run explored, so a green run is reproducible, and the
example database is not written into the work tree. Set
`HYPOTHESIS_PROFILE=explore` to search with fresh random examples.
"""

import os

from hypothesis import settings

settings.register_profile("reproducible", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "reproducible"))
