"""The adjudication dialog's edits in place: accept a version into gold with another label or type (e),
other boundaries (b), an argument left out (r) or added (n). Each is one step of the dialog's undo stack,
made by :meth:`AdjudicationDialog._apply` (annotator.ui.adjudication_dialog)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QLabel

from annotator.agreement.adjudication import ItemKey
from annotator.services.project import Project

if TYPE_CHECKING:
    from annotator.ui.document_view import DocumentView


class GoldEdits(QDialog):
    """The edit-in-place keys of the adjudication dialog (which derives from this)."""

    project: Project
    adjudicator: str
    status: QLabel
    view: DocumentView

    if TYPE_CHECKING:  # the dialog's own, which the edits call

        def _selected(self) -> tuple[str, str] | None: ...

        def _describe(self, key: str) -> str: ...

        def _apply(self, text: str, call: Callable[..., object], *args: Any, **kwargs: Any) -> bool: ...

    def _choose(self, title: str, prompt: str, options: list[str], current: int = 0) -> str | None:
        from PySide6.QtWidgets import QInputDialog

        choice, ok = QInputDialog.getItem(self, title, prompt, options, current, False)
        return choice if ok else None

    def _edit(self, edit: Callable[..., object], key: str, name: str, **changes) -> None:
        """Accept ``name``'s version of ``key`` and change it in gold (``edit``: a service's edit-in-place
        call); a refusal goes to the status line."""
        text = f"edit {self._describe(key)} ← {name}"
        self._apply(text, edit, key, accept_from=name, adjudicator=self.adjudicator, **changes)

    def edit_selected(self, label: str | None = None) -> None:
        """Accept the selected version into gold with another entity label or event type (edit in place)."""
        from annotator.services.adjudication import edit_gold_entity, edit_gold_event

        selected = self._selected()
        if selected is None:
            return
        key, name = selected
        ident = ItemKey.parse(key)
        kind, current = ident.kind, ident.label
        if kind not in ("entity", "event"):
            self.status.setText("Tone and sentiment have no parts to edit: accept or reject them.")
            return
        schema = self.project.schema
        names = list(
            schema.assignable_entity_type_names
            if kind == "entity"
            else [t for t in schema.event_type_names if not schema.event_type(t).abstract]
        )
        if label is None:
            label = self._choose(
                "Edit",
                f"Gold {'label' if kind == 'entity' else 'type'}:",
                names,
                names.index(current) if current in names else 0,
            )
            if label is None:
                return
        if kind == "entity":
            self._edit(edit_gold_entity, key, name, label=label)
        else:
            self._edit(edit_gold_event, key, name, event_type=label)

    def reshape_selected(self, start: int | None = None, end: int | None = None) -> None:
        """Accept the selected entity version into gold with the boundaries selected in the document."""
        from annotator.services.adjudication import edit_gold_entity

        selected = self._selected()
        if selected is None:
            return
        key, name = selected
        if ItemKey.parse(key).kind != "entity":
            self.status.setText("Only entities can be reshaped here; n adds an argument to an event.")
            return
        if start is None or end is None:
            start, end = self.view.snapped_selection()
        if start == end:
            self.status.setText("Select the gold boundaries in the document first, then press b.")
            return
        self._edit(edit_gold_entity, key, name, bounds=(start, end))

    def remove_argument(self, argument: str | tuple[str, int, int] | None = None) -> None:
        """Accept the selected event frame into gold without one of its arguments (``ROLE=S-E`` or
        (role, start, end))."""
        from annotator.services.adjudication import edit_gold_event

        selected = self._selected()
        if selected is None or ItemKey.parse(selected[0]).kind != "event":
            self.status.setText("Select an event frame to remove one of its arguments.")
            return
        key, name = selected
        arguments = list(ItemKey.parse(key).arguments)
        if not arguments:
            self.status.setText("This frame has no arguments.")
            return
        if argument is None:
            shown = [self._argument_text(a) for a in arguments]
            choice = self._choose("Remove argument", "Argument to leave out of gold:", shown)
            if choice is None:
                return
            argument = arguments[shown.index(choice)]
        if isinstance(argument, str):
            argument = ItemKey.argument(argument)
        self._edit(edit_gold_event, key, name, remove=[argument])

    def add_argument(self, role: str | None = None, label: str | None = None) -> None:
        """Accept the selected event frame into gold with one more argument: the text selected in the
        document, in a role chosen from the event type's roles."""
        from annotator.services.adjudication import edit_gold_event

        selected = self._selected()
        if selected is None or ItemKey.parse(selected[0]).kind != "event":
            self.status.setText("Select an event frame, then text in the document, then press n.")
            return
        key, name = selected
        start, end = self.view.snapped_selection()
        if start == end:
            self.status.setText("Select the argument's text in the document first, then press n.")
            return
        schema = self.project.schema
        event_type = schema.event_type(ItemKey.parse(key).label)
        if role is None:
            role = self._choose(
                "Add argument", f"Role of “{self.view.text[start:end]}”:", list(event_type.role_names)
            )
            if role is None:
                return
        if label is None:
            labels = list(schema.role_entity_labels(event_type.name, role))
            if len(labels) > 1:
                label = self._choose(
                    "Add argument", f"Label of the new {role} (if it is not one yet):", labels
                )
                if label is None:
                    return
        self._edit(edit_gold_event, key, name, add=[(role, start, end, label)])

    def _argument_text(self, argument: tuple[str, int, int], offsets: bool = True) -> str:
        """An event argument (role, start, end) with the text it covers (and its offsets)."""
        role, start, end = argument
        text = f"{role} = “{self.view.text[start:end]}”"
        return f"{text} [{start}-{end})" if offsets else text
