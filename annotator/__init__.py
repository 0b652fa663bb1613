"""annotator: label South Asian security news (Hindi, English, mixed) for NLP training data."""

__version__ = "0.1.0"
