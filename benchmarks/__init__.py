"""sdkgen's benchmarks: `python -m benchmarks` (full run) or `python -m benchmarks --smoke`."""
