"""CSV import of deal registrations and of the vendor's direct pipeline: reading the
file (encoding, delimiter, limits, header) and parsing each cell into the values the
services take, with one human message per bad cell.
"""
