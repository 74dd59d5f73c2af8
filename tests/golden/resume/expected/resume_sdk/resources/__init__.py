"""Resource groups of the API; each module is imported on first use."""
