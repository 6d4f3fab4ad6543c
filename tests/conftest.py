"""Shared test setup: a missing catalogue word fails the test instead of showing its key."""

import os

# Set before anything looks a word up, and inherited by the CLI processes tests start.
os.environ["DEPLOYLAB_STRICT_WORDS"] = "1"
