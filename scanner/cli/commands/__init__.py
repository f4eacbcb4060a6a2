"""Subcommands of ``wa-scan``: each module has ``ORDER`` (its place in ``--help``) and ``register(sub)``."""
