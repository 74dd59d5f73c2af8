"""Output stage: write files atomically, and the cache and child processes that make runs fast."""
