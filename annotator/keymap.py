"""The workbench's own keys, declared once.

The window dispatches typed keys through :data:`WORKBENCH_KEYS`; the schema loader refuses a label, event
or relation key that one of them reserves (naming the key and what uses it); Help → Keys shows this table
beside the schema's keys. A key is a typed character (``"m"``, ``"["``, ``"Y"`` for Shift+y) or a named key
(``"Return"``, ``"Backspace"``); modifiers other than Shift belong to menu shortcuts, not to this table.

Pure data: no Qt, no database.
"""

from __future__ import annotations

from dataclasses import dataclass

#: When a key applies. ``"suggestion"``: a suggestion has the focus; ``"event"``: an event is active (its
#: roles are the digits); ``"always"``: otherwise.
CONTEXTS = ("always", "suggestion", "event")


@dataclass(frozen=True, slots=True)
class KeyBinding:
    key: str  # a typed character, or a named key such as "Return"
    action: str  # the intent the window carries out (a method of the window or its session)
    help: str  # what the key does, for the legend and for the schema loader's refusal
    when: str = "always"
    argument: str = ""  # e.g. the polarity a sentiment key sets

    @property
    def typed(self) -> bool:
        """A character typed in the text (schema keys live in the same space), not a named key."""
        return len(self.key) == 1


ROLE_DIGITS = tuple("1234567890")

WORKBENCH_KEYS: tuple[KeyBinding, ...] = (
    KeyBinding("Return", "accept_suggestion", "accept the focused suggestion", "suggestion"),
    KeyBinding(
        "Shift+Return", "accept_all_suggestions", "accept every suggestion of its label here", "suggestion"
    ),
    KeyBinding("Backspace", "reject_suggestion", "reject the focused suggestion", "suggestion"),
    KeyBinding("Delete", "reject_suggestion", "reject the focused suggestion", "suggestion"),
    KeyBinding("Backspace", "delete_selected", "delete the selected label, event or relation"),
    KeyBinding("Delete", "delete_selected", "delete the selected label, event or relation"),
    *(
        KeyBinding(d, "fill_role", f"fill role {int(d) or 10} of the active event", "event", d)
        for d in ROLE_DIGITS
    ),
    KeyBinding("-", "set_polarity", "sentiment toward the selected span: negative", argument="NEG"),
    KeyBinding("=", "set_polarity", "sentiment toward the selected span: neutral", argument="NEU"),
    KeyBinding("+", "set_polarity", "sentiment toward the selected span: positive", argument="POS"),
    KeyBinding("e", "create_event", "make an event on the selection, choosing its type"),
    KeyBinding("m", "mark_relation_source", "mark the selected span as a relation's source"),
    KeyBinding(
        "y", "cycle_attribute", "next modality of the selected label or active event", argument="modality"
    ),
    KeyBinding("Y", "cycle_attribute_back", "previous modality", argument="modality"),
    KeyBinding("c", "cycle_attribute", "next confidence", argument="confidence"),
    KeyBinding("C", "cycle_attribute_back", "previous confidence", argument="confidence"),
    KeyBinding("[", "move_boundary", "move the selected span's start one word left", argument="["),
    KeyBinding("]", "move_boundary", "move the selected span's end one word right", argument="]"),
    KeyBinding("{", "move_boundary", "move the selected span's start one word right", argument="{"),
    KeyBinding("}", "move_boundary", "move the selected span's end one word left", argument="}"),
    KeyBinding("k", "edit_counts", "edit the counts (killed, injured…) of the active event"),
    KeyBinding("#", "edit_note", "write a note on the selected label or event"),
    KeyBinding("i", "link_entity", "link the selected entity to a knowledge-base entry (type-ahead)"),
)


#: How the legend says when a key applies.
WHEN = {
    "always": "",
    "suggestion": "a suggestion has the focus",
    "event": "an event is active",
    "review": "the schema review list has the focus",
    "incident": "the incident panel has the focus",
    "incidents": "Project → Incidents has the focus",
    "progress": "a chart of Team → Progress has the focus",
    "kb": "the knowledge-base type-ahead (i) is open",
    "kb panel": "Project → Knowledge base has the focus",
}

#: Most choices a queued annotation of a split type can be given by a digit.
REVIEW_DIGITS = tuple("123456789")

#: The keys of the schema review list (annotations of a split type waiting for a person's choice). They act
#: only while that list has the focus, never in the text, so a schema's keys may use them too.
REVIEW_KEYS: tuple[KeyBinding, ...] = (
    KeyBinding("Up", "previous_item", "the previous annotation awaiting review", "review"),
    KeyBinding("Down", "next_item", "the next annotation awaiting review", "review"),
    *(
        KeyBinding(d, "pick_choice", f"give the selected annotation its choice {d}", "review", d)
        for d in REVIEW_DIGITS
    ),
    KeyBinding("Return", "confirm_proposal", "keep the type proposed for the selected annotation", "review"),
)


#: Most candidate incidents the panel lists (a digit links the active event to one).
CANDIDATE_DIGITS = tuple("12345")

#: The keys of the workbench's incident panel (the active event's incident, or the incidents it may belong
#: to) and of Project → Incidents. They act only while that panel or view has the focus, never in the text,
#: so a schema's keys may use them too (Ctrl+Shift+I, a menu shortcut, takes the focus to the panel).
INCIDENT_KEYS: tuple[KeyBinding, ...] = (
    KeyBinding("Up", "previous_item", "the previous candidate or source", "incident"),
    KeyBinding("Down", "next_item", "the next candidate or source", "incident"),
    KeyBinding(
        "Return",
        "choose_item",
        "on a candidate: link the active event to it; on a source: open its document, its event active",
        "incident",
    ),
    *(
        KeyBinding(d, "link_candidate", f"link the active event to candidate {d}", "incident", d)
        for d in CANDIDATE_DIGITS
    ),
    KeyBinding("n", "new_incident", "start a new incident from the active event", "incident"),
    KeyBinding("u", "unlink_event", "take the active event out of its incident", "incident"),
    KeyBinding(
        "e",
        "edit_incident",
        "edit the incident's fields (type, dates, place, actors, figures, notes)",
        "incident",
    ),
    KeyBinding(
        "f", "edit_source_figures", "edit the killed/injured/arrested the selected source gives", "incident"
    ),
    KeyBinding(
        "a", "accept_proposal", "accept the proposed incident link shown (★): link the event", "incident"
    ),
    KeyBinding(
        "r", "reject_proposal", "reject the proposed incident link shown (★): not proposed again", "incident"
    ),
    KeyBinding("p", "propose_links", "propose incident links for all your events not linked yet", "incident"),
    KeyBinding("Return", "open_source", "open the selected source's document, its event active", "incidents"),
    KeyBinding("m", "merge_incidents", "merge the two selected incidents (into the older one)", "incidents"),
    KeyBinding("s", "split_incident", "move the selected sources to a new incident", "incidents"),
    KeyBinding("e", "edit_incident", "edit the selected incident's fields", "incidents"),
    KeyBinding("f", "edit_source_figures", "edit the figures the selected source gives", "incidents"),
    KeyBinding(
        "g",
        "incident_into_gold",
        "adjudicators: put the selected annotator's incident into gold (its gold events linked)",
        "incidents",
    ),
    KeyBinding(
        "A",
        "adjudicate_incidents",
        "adjudicators: link every incident into gold by the chosen policy (majority, unanimous, min:N)",
        "incidents",
    ),
)


#: The keys of Team → Progress's charts (acting while a chart has the focus): step through its bars,
#: points or boxes and list the documents behind the chosen one (Enter in that list opens a document).
PROGRESS_KEYS: tuple[KeyBinding, ...] = (
    KeyBinding("Right", "next_point", "the next bar, point or box of the chart", "progress"),
    KeyBinding("Down", "next_point", "the next bar, point or box of the chart", "progress"),
    KeyBinding("Left", "previous_point", "the previous bar, point or box of the chart", "progress"),
    KeyBinding("Up", "previous_point", "the previous bar, point or box of the chart", "progress"),
    KeyBinding(
        "Return", "list_documents", "list the documents behind the chosen bar, point or box", "progress"
    ),
)


#: The keys of the knowledge-base type-ahead (``i`` on an entity) and of Project → Knowledge base. They act
#: only in that dialog or window, never in the text. The type-ahead's search box takes every typed
#: character, so its own keys are named keys and Ctrl chords (shortcuts of that dialog, not menu shortcuts).
KB_KEYS: tuple[KeyBinding, ...] = (
    KeyBinding("Up", "previous_entry", "the previous matching entry", "kb"),
    KeyBinding("Down", "next_entry", "the next matching entry", "kb"),
    KeyBinding(
        "Return",
        "link_entry",
        "link the entity to the chosen entry (with none listed: to the typed 'id | name')",
        "kb",
    ),
    KeyBinding("Ctrl+N", "new_entry", "add an entry from the entity's text and label, and link to it", "kb"),
    KeyBinding("Ctrl+Delete", "clear_link", "clear the entity's canonical link", "kb"),
    KeyBinding("Escape", "close", "close without linking", "kb"),
    KeyBinding(
        "Return",
        "open_mention",
        "on a linked mention: open its document, the entity selected; on an entry: go to its mentions",
        "kb panel",
    ),
    KeyBinding("m", "merge_entries", "merge the two selected entries (their links follow)", "kb panel"),
)


def reserved_key(key: str, kind: str) -> str | None:
    """What the workbench uses ``key`` for, when a schema's ``kind`` (``"entity"``, ``"event"``,
    ``"relation"``, ``"level"``) may not take it; None when the key is free for that kind.

    Digits fill the active event's roles, so an event type may have one (a digit makes that event when none
    is active, as the default schema does) but an entity or relation type may not: it would be unreachable
    while an event is active."""
    for binding in WORKBENCH_KEYS:
        if binding.key != key or not binding.typed:
            continue
        if binding.when == "event" and kind == "event":
            continue
        return binding.help
    return None


def typed_bindings(when: str) -> dict[str, KeyBinding]:
    """The typed keys that apply in context ``when``: character → binding."""
    return {b.key: b for b in WORKBENCH_KEYS if b.typed and b.when == when}


def named_bindings(when: str) -> dict[str, KeyBinding]:
    """The named keys (Return, Backspace…) that apply in context ``when``: name → binding."""
    return {b.key: b for b in WORKBENCH_KEYS if not b.typed and b.when == when}


__all__ = [
    "CANDIDATE_DIGITS",
    "CONTEXTS",
    "INCIDENT_KEYS",
    "KB_KEYS",
    "PROGRESS_KEYS",
    "REVIEW_DIGITS",
    "REVIEW_KEYS",
    "ROLE_DIGITS",
    "WHEN",
    "WORKBENCH_KEYS",
    "KeyBinding",
    "named_bindings",
    "reserved_key",
    "typed_bindings",
]
