"""Benchmarks of openuitslag: speed and memory targets, measured not assumed.

The issues set hard targets (read the national set in 20 seconds, verify
it in 10) that a unit test cannot hold honestly on a shared machine, so
they live here: ``python -m bench`` runs every ``bench/bench_*.py`` module
and prints figures beside their targets. ``bench/synthetic.py`` makes the
national-scale input that the real published sample is too small to be.
"""
