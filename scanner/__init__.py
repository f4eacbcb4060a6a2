"""wa-scan: evidence from a live AWS account for a Well-Architected review."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("wa-scan")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
