"""Writes of the Learning Record Store."""
