"""Benchmarks at county and national scale: ``python -m bench`` (see docs/performance.md).

Benchmarks are not tests: nothing here runs in the pytest suite except a smoke test
(tests/test_bench_smoke.py) that runs the same code on a tiny scale.
"""
