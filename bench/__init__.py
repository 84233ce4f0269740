"""Benchmarks (``python -m bench.<name>``): figures for docs/benchmarks.md, not timed tests."""
