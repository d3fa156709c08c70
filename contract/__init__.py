"""The contract between the parts of Locality Explorer: neutral, imports nothing else of ours.

Every other package may import it; it imports only the standard library (and pandas/pyarrow
where a module says so). What lives here has one home: the warehouse schema, the settings
(the only TOML reader), the measure catalogue, number formats, time periods, safe export and
the page registry. docs/architecture.md says what may import what; tests/test_import_rules.py
enforces it.
"""
