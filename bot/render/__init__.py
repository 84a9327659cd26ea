"""Renderers at the edge: a report in, text or JSON out. Nothing here computes a figure."""
