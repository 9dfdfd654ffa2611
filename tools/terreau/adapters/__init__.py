"""Adapters from Terreau's site to a site generator."""
