"""Built-in checks: one module per service or concern; modules starting with ``_`` hold shared reads."""
