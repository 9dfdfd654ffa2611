"""Terreau: a commons of methods and tools for the resilience of rural communes."""

__version__ = "0.1.0"
