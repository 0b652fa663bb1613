"""What the application does, as plain functions over a :class:`Project`; used by the CLI and the GUI.

No Qt here. Long jobs take a progress callback and a cancel flag (see :mod:`annotator.progress`).
"""
