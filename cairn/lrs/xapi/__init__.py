"""The xAPI data model: validation, agent identity, output formats, completion.

Pure Python with no Django imports, so the hot ingestion path stays cheap and the
rules can be tested without a database.
"""
