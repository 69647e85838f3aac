"""Benchmarks (bench/README.md): not part of the test suite."""
