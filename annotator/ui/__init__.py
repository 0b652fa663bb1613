"""The annotation window (PySide6): the only package that may import Qt."""
