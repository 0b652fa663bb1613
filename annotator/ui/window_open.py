"""Opening a document in the workbench: a short one at once, a long one read off the GUI thread while the
window says "Opening…", and what waits for a document (a search result's selection, an incident source's
event) run once it is there.

A part of :class:`annotator.ui.main_window.MainWindow` (a mixin: it uses the window's widgets and
services)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from annotator.services.documents import DocumentText, load_short_text, load_text
from annotator.ui.document_view import PreparedText
from annotator.ui.window_base import WindowBase


class OpeningMixin(WindowBase):
    _opening: int | None  # a long document being read in the background
    _open_round: int  # a document asked for later makes an earlier one's text stale
    _pending_open: list[tuple[int, Callable[[], None]]]  # when_open's actions, with their round

    #: a document of at most this many characters is read on the GUI thread (a few milliseconds, and open
    #: when ``open_document`` returns); a longer one is read in the background while the window says
    #: "Opening…", so that the window never waits for a 20 MB text to come from the database
    SYNC_OPEN_CHARS = 300_000

    def open_document(self, document_id: int) -> None:
        """Open a document: at once when it is short (:data:`SYNC_OPEN_CHARS`), else read off the GUI
        thread and shown when it arrives — unless another document was asked for meanwhile. What is to be
        done once it is open goes through :meth:`when_open`."""
        if document_id == self.document_id or document_id == self._opening:
            return
        self._open_round += 1
        doc = load_short_text(self.project, document_id, self.SYNC_OPEN_CHARS)
        if doc.complete:
            self._opening = None
            self._show_document(doc)
            return
        self._start_opening(doc)

    def _start_opening(self, head: DocumentText) -> None:
        """A long document is read in the background: meanwhile no document is open (keys and panels act
        on nothing), the view is empty and the title and status line say what is coming."""
        project, document_id, this_round = self.project, head.id, self._open_round
        self._opening = document_id
        self.session.close()
        self._lasting_message = ""
        self.view.set_marked("")
        self.view.set_document("")
        self.view.set_spans([], {})
        self.view.set_suggestions([])
        self.view.set_frames([], "", [], [])
        self.annotations.show_spans("", [], {}, self.colors)
        name = head.title or head.external_id
        self.incident_panel.show_idle(f"Opening {name}…")  # no event of the document left is active
        self.title.setText(
            f"<b>Opening {escape(name)}…</b>  <span style='color:#777'>{escape(head.external_id)}</span>"
        )
        self.statusBar().showMessage(f"Opening {name} (a long document: it is read in the background)…")

        def job(progress, cancel):
            from annotator.ui.document_view import prepare_text

            doc = load_text(project, document_id)
            return doc, prepare_text(doc.text)  # the view's passes over the whole text, here

        def done(found: tuple[DocumentText, PreparedText]) -> None:
            if this_round != self._open_round:
                return  # the person opened another document meanwhile
            self._opening = None
            self._show_document(*found)

        def failed(exc: BaseException) -> None:
            if this_round != self._open_round:
                return
            self._opening = None
            self._pending_open.clear()
            self.title.setText(f"<b>{escape(name)}</b> could not be opened")
            self.statusBar().showMessage(f"{name} could not be opened: {exc}", 15000)

        self.background("Opening", job, done, failed, show_progress=False)

    def when_open(self, document_id: int, action: Callable[[], None]) -> None:
        """Run ``action`` once ``document_id`` is the open document: now when it is, or when a long one
        being read in the background arrives (never, if another document is asked for first)."""
        if self.document_id == document_id:
            action()
        elif self._opening == document_id:
            self._pending_open.append((self._open_round, action))

    def _show_document(self, doc: DocumentText, prepared: PreparedText | None = None) -> None:
        """Show a document whose whole text has been read (``prepared`` for the view, when made off the GUI
        thread); the actions waiting for it run after."""
        document_id = doc.id
        self.session.close()
        self.document_id, self.session.text = document_id, doc.text
        self.statusBar().clearMessage()  # what was said was about the document just left
        self._lasting_message = ""
        self.view.set_marked("")
        self.title.setText(
            f"<b>{doc.title or doc.external_id}</b>  <span style='color:#777'>{doc.external_id}</span>"
        )
        self.view.set_document(doc.text, prepared)
        self.refresh_state()
        self.refresh_review()
        if self.romanized.isVisible():
            self.update_romanized()
        self.view.setFocus()
        waiting, self._pending_open = self._pending_open, []
        for asked_in, action in waiting:
            if asked_in == self._open_round:
                action()
