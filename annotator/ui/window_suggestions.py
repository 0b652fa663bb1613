"""Suggestions in the workbench: computed in the background when a document opens, drawn apart from
labels, reviewed with Tab, Enter and Backspace; the model trained, and its settings.

A part of :class:`annotator.ui.main_window.MainWindow` (a mixin: it uses the window's widgets and
services)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QMessageBox,
)

from annotator.crashlog import describe
from annotator.ui.tasks import BackgroundTask
from annotator.ui.window_base import WindowBase

#: suggestions are made for the first this many characters of a document at most (cut at a line or word
#: break before it): the sources' time and memory grow with the text
MAX_SUGGESTED_CHARS = 200_000
#: and at most this many are drawn (the first in the text)
MAX_SHOWN_SUGGESTIONS = 20_000


def suggestion_cut(text: str) -> int:
    """Where the text that suggestions are made for ends: all of it, or, for a long text, the last line or
    word break within :data:`MAX_SUGGESTED_CHARS`."""
    if len(text) <= MAX_SUGGESTED_CHARS:
        return len(text)
    for brk in ("\n", " "):
        at = text.rfind(brk, 0, MAX_SUGGESTED_CHARS)
        if at > MAX_SUGGESTED_CHARS // 2:
            return at
    return MAX_SUGGESTED_CHARS


class SuggestionsMixin(WindowBase):
    def load_suggestions(self, recompute: bool = False) -> BackgroundTask | None:
        """Show the open suggestions on this document: made (by the enabled sources) the first time it is
        opened, or when ``recompute``; none on a document the annotator finished unless asked for again
        (Ctrl+G), nor while viewing someone else's labels. The work runs off the GUI thread, so opening a
        document never waits for it; the result is shown if the document is still open."""
        from annotator.services.suggestions import (
            compute_suggestions,
            get_settings,
            has_suggestions,
            open_suggestions,
        )

        if recompute:
            self._suggesting_finished = self.document_id
        finished = (
            self.state is not None
            and self.state.work.status in ("done", "skipped")
            and self._suggesting_finished != self.document_id
        )
        self._show_suggestions([])
        self._long_note = ""
        if not getattr(self, "_watching_layout", False):  # a long document is laid out a part at a time
            self.view.layoutProgressed.connect(self._show_layout_progress)
            self._watching_layout = True
        if self.document_id is None or self.viewing_other or finished:
            return None
        project, document_id, name, text = (
            self.project,
            self.document_id,
            self.editor.annotator,
            self.view.text,
        )

        # a long text: suggestions for its beginning only (the sources' time and memory grow with the
        # text: a 20 MB article had not finished after a minute, at 879 MB)
        cut = suggestion_cut(text)
        # only the latest round is shown: an earlier one (the document's first, still running when the
        # settings changed and Ctrl+G asked again) finishing later must not paint its stale suggestions
        self._suggestion_round += 1
        this_round = self._suggestion_round
        # a long text comes into the view a part at a time from the event loop: its suggestions are made
        # once all of it is there (made meanwhile, their Python work took the interpreter from the GUI
        # thread between the parts: waits of 100-350 ms while a 20 MB article opened)
        import threading

        laid_out = self._layout_ready = threading.Event()
        if self.view.loaded():
            laid_out.set()

        def job(progress, cancel):
            while not laid_out.wait(0.05):
                if cancel.cancelled or this_round != self._suggestion_round:
                    return []  # closed, or another document (round) meanwhile: not shown anyway
            if not get_settings(project).sources:
                return []  # suggestions are off
            if recompute or not has_suggestions(project, document_id, name):
                return compute_suggestions(project, document_id, name, text=text[:cut])
            return open_suggestions(project, document_id, name)

        def done(found) -> None:
            if document_id == self.document_id and this_round == self._suggestion_round:
                self._show_suggestions(found)
                if cut < len(text):
                    self._long_note = (
                        f"A long document: suggestions only for its first {cut:,} of {len(text):,} characters"
                        f" ({len(self.suggestions):,} shown)."
                    )
                    self.statusBar().showMessage(self._long_note, 15000)
                elif len(self.suggestions) < len(found):
                    self.statusBar().showMessage(
                        f"{len(found):,} suggestions: the first {len(self.suggestions):,} are shown.", 15000
                    )
                elif found and recompute:
                    self.statusBar().showMessage(f"{len(found)} suggestion(s): Tab goes to the next.", 5000)

        # started once the event loop is back, so that the document is laid out and painted first
        self.suggestion_task = self.background(
            "Suggesting",
            job,
            done,
            lambda exc: self.statusBar().showMessage(f"No suggestions: {exc}", 8000),
            show_progress=False,
            start_later=True,
        )
        return self.suggestion_task

    def _show_layout_progress(self, done: int, total: int) -> None:
        """The status line while a long document comes into the view a part at a time (the window stays
        usable meanwhile)."""
        note = getattr(self, "_long_note", "")
        bar = self.statusBar()
        if done >= total and getattr(self, "_layout_ready", None) is not None:
            self._layout_ready.set()  # the suggestions waiting for the whole text start
        if done < total:
            bar.showMessage(
                f"Opening a long document: {100 * done // max(1, total)} % of {total:,} characters…"
                + (f"  {note}" if note else "")
            )
        elif bar.currentMessage().startswith("Opening a long document"):
            if note:
                bar.showMessage(note, 15000)
            else:
                bar.showMessage(f"All {total:,} characters of the document are shown.", 3000)

    def _reload_suggestions(self) -> None:
        """After a suggestion was accepted, rejected or brought back: the open ones, at once."""
        from annotator.services.suggestions import open_suggestions

        if self.document_id is not None and not self.viewing_other:
            self._show_suggestions(open_suggestions(self.project, self.document_id, self.editor.annotator))

    def _settle_suggestions(self, span_ids: tuple[str, ...] = ()) -> None:
        """What was made by hand settles the suggestions it covers (labels: entity suggestions; event
        triggers: trigger suggestions): those stop being drawn (nothing else moves). Given the ids of the
        labels just made, only those are checked: what is drawn already keeps clear of the others."""
        if span_ids and self.state is not None:
            from annotator.services.suggestions import settled_by

            wanted = set(span_ids)
            made = [(sp.start, sp.end) for sp in self.state.spans if sp.id in wanted]
            lo = min((a for a, _b in made), default=0)
            hi = max((b for _a, b in made), default=0)
            near = [s for s in self.suggestions if s.start < hi and s.end > lo]
            gone = settled_by(near, made, []) if near else set()
        else:
            gone = self._settled(self.suggestions)
        if gone:
            self.suggestions = [s for s in self.suggestions if s.id not in gone]
            self.view.drop_suggestions(gone)

    def _settled(self, suggestions: list) -> set[str]:
        from annotator.services.suggestions import settled_by

        spans = [(sp.start, sp.end) for sp in self.state.spans] if self.state else []
        frames = self.frames
        triggers = (
            [(e.start, e.end) for e in frames.events]
            if frames is not None and self.state is not None and frames.document_id == self.document_id
            else []
        )
        return settled_by(suggestions, spans, triggers)

    def _show_suggestions(self, suggestions: list) -> None:
        """Draw ``suggestions`` but those that labels or events made by hand now cover; at most
        :data:`MAX_SHOWN_SUGGESTIONS`, the first in the text."""
        gone = self._settled(suggestions)
        shown = [s for s in suggestions if s.id not in gone]
        if len(shown) > MAX_SHOWN_SUGGESTIONS:
            shown = sorted(shown, key=lambda s: (s.start, s.end))[:MAX_SHOWN_SUGGESTIONS]
        self.suggestions = shown
        self.view.set_suggestions([(s.id, s.start, s.end, s.label, s.kind) for s in self.suggestions])

    def _on_suggestion_selected(self, suggestion_id: str) -> None:
        found = next((s for s in self.suggestions if s.id == suggestion_id), None)
        if found is not None:
            what = "event" if found.kind == "event" else "label"
            detail = f", {found.detail}" if found.detail else ""
            self._focus_message = (
                f"Suggested {what} {found.label} ({found.source}{detail}, score {found.score:.2f}) — Enter "
                f"accepts, Shift+Enter every {found.label} suggestion here, Backspace rejects, Tab next."
            )
            self.statusBar().showMessage(self._focus_message)

    def _clear_focus_message(self) -> None:
        """The line about a focused suggestion goes once it is decided or the focus moves on."""
        if self._focus_message and self.statusBar().currentMessage() == self._focus_message:
            self.statusBar().clearMessage()
        self._focus_message = ""

    def _decide_suggestion(self, accept: bool, all_of_label: bool = False) -> None:
        outcome = self.session.decide_suggestion(accept, self.selection(), all_of_label)
        if outcome.command is not None:
            self._clear_focus_message()
        self.carry_out(outcome)

    def accept_suggestion(self, all_of_label: bool = False) -> None:
        self._decide_suggestion(True, all_of_label)

    def reject_suggestion(self) -> None:
        self._decide_suggestion(False)

    def suggest_all(self) -> BackgroundTask:
        from annotator.services.suggestions import suggest_documents

        project, name = self.project, self.editor.annotator

        def done(report) -> None:
            self.statusBar().showMessage(report.summary(), 8000)
            self.load_suggestions()

        return self.background(
            "Suggesting",
            lambda progress, cancel: suggest_documents(project, name, progress=progress, cancel=cancel),
            done,
            "Suggestions",
        )

    def train_model(self, quiet: bool = False) -> BackgroundTask:
        """Train the suggestion model in the background; its measured figures go to the status bar."""
        from annotator.services.suggestions import train_model
        from annotator.services.team import annotator_for

        project = self.project
        me = annotator_for(project, self.settings)

        def done(info) -> None:
            m = info.metrics
            self.statusBar().showMessage(
                f"Model trained on {info.documents} document(s): precision {m['precision']:.2f}, recall "
                f"{m['recall']:.2f}, F1 {m['f1']:.2f} on {m['held_out_documents']} held out "
                f"(most-frequent-label baseline F1 {m['baseline']['f1']:.2f}).",
                12000,
            )

        return self.background(
            "Training the suggestion model",
            # in blind mode the window's annotator's own model (gold and their own labels only)
            lambda progress, cancel: train_model(project, annotator=me, progress=progress, cancel=cancel),
            done,
            (lambda exc: self.statusBar().showMessage(f"Model not trained: {exc}", 8000))
            if quiet
            else (lambda exc: QMessageBox.warning(self, "Suggestion model", describe(exc))),
            show_progress=not quiet,  # retraining by itself after "done" does not interrupt
        )

    def suggestion_settings(self) -> None:
        from annotator.ui.suggestion_dialog import SuggestionSettingsDialog

        dialog = SuggestionSettingsDialog(self.project, self)
        if dialog.exec() == SuggestionSettingsDialog.DialogCode.Accepted:
            dialog.save()
            self.load_suggestions(recompute=True)
