"""An integer too large for any database column matches nothing, in every lookup Beacon's screens use.

Django already turns `filter(id=2**63)` into "no rows" (IntegerFieldOverflow), but not `filter(id__in=[2**63])`
nor a lookup through a relation: `filter(area=2**63)`, or `CampaignPage.objects.filter(pk=2**63)`, whose key is
the one-to-one link to its page. SQLite's driver cannot bind an integer beyond 64 bits and raises
OverflowError, which was a 500 wherever such an id could arrive: a URL (the campaign dashboard), a choice in a
form (Django's ModelChoiceField catches ValueError and TypeError only: every admin form with a foreign key or
a many-to-many field), a filter in a Wagtail listing. PostgreSQL compares such a value and finds nothing;
these lookups make SQLite do the same, before any SQL is sent. Registered by CoreConfig.ready().
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignObject, IntegerField
from django.db.models.fields.related_lookups import RelatedExact, RelatedIn
from django.db.models.lookups import In

# A signed 64-bit integer: the widest integer column SQLite and PostgreSQL have.
STORABLE = range(-(2**63), 2**63)


def _unstorable(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value not in STORABLE


class _InWithoutUnstorable:
    """`in`: values no column can hold are dropped from the list (no rows if nothing is left)."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            values = list(self.rhs)
            kept = [value for value in values if not _unstorable(value)]
            if len(kept) != len(values):
                if not kept:
                    raise EmptyResultSet
                self.rhs = kept
        return super().process_rhs(compiler, connection)


class IntegerFieldIn(_InWithoutUnstorable, In):
    pass


class RelatedInWithinRange(_InWithoutUnstorable, RelatedIn):
    pass


class RelatedExactWithinRange(RelatedExact):
    """`exact` through a relation: a value no column can hold matches no row."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value() and _unstorable(self.rhs):
            raise EmptyResultSet
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
    ForeignObject.register_lookup(RelatedInWithinRange)
    ForeignObject.register_lookup(RelatedExactWithinRange)
