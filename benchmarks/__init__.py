"""Benchmarks for habeas (run as scripts: ``python benchmarks/<name>.py``).

A package so that tests can import the pure parts, e.g. ``benchmarks.linkage_metrics``.
"""
