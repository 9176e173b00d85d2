"""The ledger API: serializers (what goes over the wire) and views (who may, which service)."""
