"""Document conditions of detention and incidents (what monitors and lawyers cite).

* :mod:`habeas.document.conditions` — occupancy rate, m² per person, crowding
  thresholds breached and for how many consecutive days, per facility, unit, cell;
* :mod:`habeas.document.incidents` — record, list, filter and count incidents,
  always with their sources.
"""
