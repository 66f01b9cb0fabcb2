"""The maintainer's tools: seed editions (``etown seed``), the translations' fingerprints and
their exchange as PO files (``etown translations``), and the coverage of the source
(``etown coverage``). Each takes its data from the pipeline and stands on it; the pipeline
imports nothing from here."""
