"""etown: a bilingual static fact-sheet site of the Beijing Economic-Technological Development Area."""

__version__ = "0.1.0"
