"""Benchmarks: a synthetic corpus, our build timed on it, and peer generators on the same corpus."""
