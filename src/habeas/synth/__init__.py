"""Synthetic case generator: a fictional population, the lists it produces, ground truth.

``generate_case(out_dir, persons=600, seed=7)`` writes list files, ``case.json``
(import instructions for ``habeas demo``), ``ground_truth.csv`` and
``persons_truth.csv``. Every name is a random combination from the pools in
:mod:`habeas.synth.names`; no generated person is a real person.
"""

from habeas.synth.case import generate_case

__all__ = ["generate_case"]
