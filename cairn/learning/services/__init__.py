"""Writes of the learning app: the catalog, enrollments and progress."""
