"""File → Export dataset… and File → Import from another tool…: the options of
:func:`annotator.services.datasets.export_dataset` and of :func:`annotator.services.importing.import_paths`
for other tools' files, in one form each. The work itself runs in the background (the main window's
:class:`~annotator.ui.tasks.BackgroundTask`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

DATASET_FORMATS = {
    "CoNLL (token<TAB>BIO tag)": "conll",
    "Hugging Face (JSONL tokens + ner_tags)": "hf",
    "spaCy (JSONL text + entities; .spacy)": "spacy",
    "CSV (one row per document: tone, metadata)": "csv",
}
FOREIGN_FORMATS = {
    "CoNLL / BIO": "conll",
    "doccano JSONL": "doccano",
    "Label Studio JSON": "labelstudio",
    "Prodigy JSONL": "prodigy",
    "WebAnno / INCEpTION TSV 3.3": "webanno",
}


def _path_row(edit: QLineEdit, choose) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    button = QPushButton("Choose…")
    button.clicked.connect(choose)
    layout.addWidget(button)
    return row


def _lay_out(dialog: DatasetExportDialog | ForeignImportDialog, form: QFormLayout) -> QLabel:
    """The form, a line for what is wrong with it, and OK/Cancel (OK goes through the dialog's
    ``_accept``); returns that line."""
    message = QLabel()
    message.setWordWrap(True)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog._accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    layout.addWidget(message)
    layout.addWidget(buttons)
    return message


@dataclass
class DatasetChoice:
    fmt: str
    out: str
    options: dict[str, Any]


class DatasetExportDialog(QDialog):
    """Format, annotation set, split, seed, status, stratification, rule for crossing spans, folder."""

    def __init__(self, sets: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export dataset")
        form = QFormLayout()
        self.format = QComboBox()
        self.format.addItems(list(DATASET_FORMATS))
        self.set = QComboBox()
        self.set.addItems(sets)
        self.split = QLineEdit()
        self.split.setPlaceholderText("e.g. 80/10/10 (train/dev/test); empty: one file")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.status = QComboBox()
        self.status.addItems(["finished documents (done)", "any labelled document"])
        self.stratify = QLineEdit()
        self.stratify.setPlaceholderText("metadata field, e.g. source (optional)")
        self.crossing = QComboBox()
        self.crossing.addItems(["widen to whole tokens", "leave out"])
        self.out = QLineEdit()
        self.out.setPlaceholderText("a new (or empty) folder")
        form.addRow("Format:", self.format)
        form.addRow("Labels of:", self.set)
        form.addRow("Split:", self.split)
        form.addRow("Seed:", self.seed)
        form.addRow("Documents:", self.status)
        form.addRow("Stratify by:", self.stratify)
        form.addRow("Spans cutting a token:", self.crossing)
        form.addRow("Folder:", _path_row(self.out, self._choose))
        self.message = _lay_out(self, form)

    def _choose(self) -> None:
        path = QFileDialog.getSaveFileName(self, "Dataset folder (a new folder)", self.out.text())[0]
        if path:
            self.out.setText(path)

    def choice(self) -> DatasetChoice | None:
        """What the form says, or None with the reason shown."""
        from annotator.errors import AnnotatorError
        from annotator.services.datasets import parse_split

        if not self.out.text().strip():
            self.message.setText("Choose a folder for the dataset.")
            return None
        try:
            split = parse_split(self.split.text().strip() or None)
        except AnnotatorError as exc:
            self.message.setText(str(exc))
            return None
        return DatasetChoice(
            DATASET_FORMATS[self.format.currentText()],
            self.out.text().strip(),
            {
                "annotation_set": self.set.currentText(),
                "split": split,
                "seed": self.seed.value(),
                "status": "done" if self.status.currentIndex() == 0 else None,
                "stratify": self.stratify.text().strip() or None,
                "crossing": "expand" if self.crossing.currentIndex() == 0 else "drop",
            },
        )

    def _accept(self) -> None:
        if self.choice() is not None:
            self.accept()


class ForeignImportDialog(QDialog):
    """Files from another tool: format, whose labels they become, label map."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Import from another tool")
        form = QFormLayout()
        self.format = QComboBox()
        self.format.addItems(list(FOREIGN_FORMATS))
        self.paths = QLineEdit()
        self.annotator = QLineEdit()
        self.annotator.setPlaceholderText("default: the format's name (e.g. conll)")
        self.label_map = QLineEdit()
        self.label_map.setPlaceholderText("e.g. PERSON=PER,MISC=-  (common names map by themselves)")
        form.addRow("Format:", self.format)
        form.addRow("Files:", _path_row(self.paths, self._choose))
        form.addRow("Labels become:", self.annotator)
        form.addRow("Label map:", self.label_map)
        self.message = _lay_out(self, form)

    def _choose(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Files to import")
        if paths:
            self.paths.setText(";".join(paths))

    def choice(self) -> tuple[list[str], dict[str, Any]] | None:
        from annotator.errors import AnnotatorError
        from annotator.services.importing import parse_label_map

        paths = [p for p in self.paths.text().split(";") if p.strip()]
        if not paths:
            self.message.setText("Choose the files to import.")
            return None
        try:
            label_map = parse_label_map(self.label_map.text().strip() or None)
        except AnnotatorError as exc:
            self.message.setText(str(exc))
            return None
        return paths, {
            "fmt": FOREIGN_FORMATS[self.format.currentText()],
            "annotator": self.annotator.text().strip() or None,
            "label_map": label_map,
        }

    def _accept(self) -> None:
        if self.choice() is not None:
            self.accept()
