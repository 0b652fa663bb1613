"""Suggestions → Settings…: which sources suggest, the model's minimum confidence, when it is retrained,
and the model's measured figures."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.services.project import Project

SOURCE_NAMES = {
    "gazetteer": "Gazetteer (places, forces, armed groups, titles; Devanagari and Latin spellings)",
    "rules": "Rules (dates, numbers, casualty counts, event triggers)",
    "propagation": "Your earlier labels, wherever the same text recurs",
    "model": "The model trained on this project's labels",
}


class SuggestionSettingsDialog(QDialog):
    def __init__(self, project: Project, parent: QWidget | None = None):
        from annotator.services.suggestions import get_settings, model_info

        super().__init__(parent)
        self.project = project
        self.setWindowTitle("Suggestion settings")
        settings = get_settings(project)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Suggest from:"))
        self.sources: dict[str, QCheckBox] = {}
        for source, text in SOURCE_NAMES.items():
            box = QCheckBox(text)
            box.setChecked(settings.enabled(source))
            self.sources[source] = box
            layout.addWidget(box)
        form = QFormLayout()
        self.min_score = QDoubleSpinBox()
        self.min_score.setRange(0.0, 1.0)
        self.min_score.setSingleStep(0.05)
        self.min_score.setValue(settings.min_score)
        self.retrain_after = QSpinBox()
        self.retrain_after.setRange(1, 100_000)
        self.retrain_after.setValue(settings.retrain_after)
        form.addRow("Show the model's suggestions from confidence:", self.min_score)
        form.addRow("Retrain the model after this many new labels:", self.retrain_after)
        layout.addLayout(form)
        info = model_info(project)
        if info is None:
            text = "No model trained yet (Suggestions → Train the model now, or finish more documents)."
        else:
            m = info.metrics
            text = (
                f"Model trained {info.trained_at:%Y-%m-%d %H:%M} on {info.documents} document(s); on "
                f"{m.get('held_out_documents', 0)} held-out document(s): precision {m['precision']:.2f}, "
                f"recall {m['recall']:.2f}, F1 {m['f1']:.2f} (most-frequent-label baseline F1 "
                f"{m['baseline']['f1']:.2f})."
            )
        self.model_label = QLabel(text)
        self.model_label.setWordWrap(True)
        layout.addWidget(self.model_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> None:
        from annotator.services.suggestions import set_settings

        set_settings(
            self.project,
            sources=[s for s, box in self.sources.items() if box.isChecked()],
            min_score=self.min_score.value(),
            retrain_after=self.retrain_after.value(),
        )
