"""The portal's counter columns stand in the core's COUNTERS order.

The importer writes a count's counter row into the database columns by
position, so the two lists must name the same counters in the same order.
"""

from __future__ import annotations

from django.utils import translation

from openuitslag.core.model import COUNTERS, UNCOUNTED_REASONS
from openuitslag.portal import models as m


def test_portal_counter_columns_follow_the_core_order() -> None:
    names = [name for name, _letter, _label in m.COUNTER_FIELDS]
    with translation.override("nl"):
        labels = [str(label) for _name, _letter, label in m.COUNTER_FIELDS]

    assert len(names) == len(COUNTERS)
    assert names[:4] == list(COUNTERS[:4])
    assert labels[4:] == list(UNCOUNTED_REASONS)
