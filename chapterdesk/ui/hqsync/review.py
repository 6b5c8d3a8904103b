"""The middle steps of the import wizard: the rows with problems, and the difference to review.

Validation lists every problem by row and column; the officer fixes the file,
or ticks "Skip the N invalid rows" to go on with the rest. The difference
shows one tab per kind of change (New, Changed, Lapsed, Renewed, Missing,
Conflicts, Not on roster) with its count in the title; every change has an
accept box (conflicts start unticked, with the reason shown), and the
selected member's change is laid out field by field underneath, each field
with its own box: untick it to leave that field out of the batch (the batch
remembers it, and the next import marks it "left out last time"). A conflict's
box takes HQ's value; "Keep the chapter's value" settles it for the chapter;
left alone it is held for HQ Sync's Conflicts view.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.services.hq.plan import ChangeKind, ImportPlan, MemberChange
from chapterdesk.ui.hqsync.jobs import ReviewChoices
from chapterdesk.ui.hqsync.models import (
    ChangesModel,
    FieldChangesModel,
    FieldChoices,
    ItemRole,
    ProblemsModel,
    UnlistedModel,
)
from chapterdesk.ui.hqsync.widgets import message_label, step_heading, table_view

#: The difference's tabs: title, the kind of change shown, and what it means to the officer.
TABS: tuple[tuple[str, ChangeKind, str], ...] = (
    ("New", ChangeKind.NEW, "HQ members ChapterDesk has no record of yet."),
    ("Changed", ChangeKind.CHANGED, "HQ records whose details changed, field by field."),
    ("Lapsed", ChangeKind.LAPSED, "Members whose international membership has now lapsed."),
    ("Renewed", ChangeKind.RENEWED, "Members who are back in good standing with HQ."),
    (
        "Missing",
        ChangeKind.MISSING,
        "HQ records not in this export: they are marked missing, never deleted. "
        "Untick any you know HQ still lists.",
    ),
    (
        "Conflicts",
        ChangeKind.CONFLICT,
        "Changes HQ and an officer disagree on, or an ID that now names someone else. "
        "They are held back unless you tick them; ticking accepts HQ's values. Select one "
        "to settle it field by field below.",
    ),
)
CHANGE_WIDTHS = {0: 6, 1: 8, 2: 16, 3: 5, 4: 7, 5: 18}


class ValidationStep(QWidget):
    """Step 3: every problem in the file by row and column, and the choice to skip those rows."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Validation summary")
        self.model = ProblemsModel(parent=self)
        self.table = table_view(self.model, "Problems by row", widths={0: 6, 1: 14})
        self.skip = QCheckBox()
        self.skip.setAccessibleName("Skip the invalid rows")
        self.skip.toggled.connect(lambda _on: self.changed.emit())
        layout = QVBoxLayout(self)
        layout.addWidget(step_heading("Check the rows"))
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.skip)

    def show_plan(self, plan: ImportPlan) -> None:
        """Show the problems of a planned import; the skip box starts unticked."""
        parsed = plan.parsed
        valid = parsed.row_count
        self.model.set_items(parsed.problems)
        self.summary.setText(
            f"<b>{parsed.invalid_rows:,} of {parsed.total_rows:,} rows</b> in {plan.path.name} "
            f"have problems ({len(parsed.problems):,} in all). Nothing is imported until you "
            "fix them in the file and choose it again, or skip those rows."
        )
        self.skip.setText(
            f"&Skip the {parsed.invalid_rows:,} invalid rows and import the other {valid:,}"
        )
        self.skip.setChecked(False)

    def ready(self) -> bool:
        """Whether the officer chose to go on without the invalid rows."""
        return self.skip.isChecked()


class ReviewStep(QWidget):
    """Step 4: the difference by kind, each change accepted or rejected by the officer."""

    #: An accept box changed; the apply button's count follows.
    acceptance_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Difference summary")
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Changes by kind")
        self.models: dict[ChangeKind, ChangesModel] = {}
        self.views: dict[ChangeKind, QTableView] = {}
        self.notes: dict[ChangeKind, str] = {}
        for title, kind, note in TABS:
            model = ChangesModel(parent=self)
            model.acceptance_changed.connect(self.acceptance_changed)
            view = table_view(model, f"{title} changes", widths=CHANGE_WIDTHS)
            view.selectionModel().selectionChanged.connect(
                lambda _s, _d, v=view: self._show_fields(v)
            )
            self.models[kind], self.views[kind], self.notes[kind] = model, view, note
            self.tabs.addTab(self._page(view, note), title)
        self.unlisted_model = UnlistedModel(parent=self)
        self.unlisted_view = table_view(
            self.unlisted_model, "HQ members not on the roster", widths={0: 8, 1: 20}
        )
        self.tabs.addTab(
            self._page(
                self.unlisted_view,
                "HQ members this export affiliates with the chapter who are not on its "
                "roster. The import changes nothing for them; add them from the Roster page.",
            ),
            "Not on roster",
        )
        self.tabs.currentChanged.connect(lambda _i: self._show_fields(self.current_view()))
        self.field_choices = FieldChoices()
        self.fields = FieldChangesModel(self.field_choices, self)
        self.fields.choices_changed.connect(self.acceptance_changed)
        self.fields_view = table_view(
            self.fields,
            "Selected member's changes",
            widths={0: 5, 1: 16, 2: 24, 3: 24},
            sortable=False,
        )
        self.keep_local_button = QPushButton("&Keep the chapter's value")
        self.keep_local_button.setToolTip(
            "Settle the selected conflicts for the chapter: later imports repeating HQ's "
            "value leave the chapter's alone."
        )
        self.keep_local_button.clicked.connect(self._keep_local)
        self.fields_caption = QLabel("Select a member to see the change field by field.")
        self.accept_all = QPushButton("A&ccept all in this tab")
        self.accept_all.clicked.connect(lambda: self._set_all(True))
        self.reject_all = QPushButton("Re&ject all in this tab")
        self.reject_all.clicked.connect(lambda: self._set_all(False))
        self.message = message_label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_all)
        buttons.addWidget(self.reject_all)
        buttons.addStretch(1)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        caption_row = QHBoxLayout()
        caption_row.addWidget(self.fields_caption, 1)
        caption_row.addWidget(self.keep_local_button)
        lower_layout.addLayout(caption_row)
        lower_layout.addWidget(self.fields_view)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tabs)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(step_heading("Review the changes"))
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)

    @staticmethod
    def _page(view: QTableView, note: str) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        text = QLabel(note)
        text.setWordWrap(True)
        layout.addWidget(text)
        layout.addWidget(view, 1)
        return page

    def show_plan(self, plan: ImportPlan) -> None:
        """Fill every tab from a plan; tabs with nothing in them are greyed out."""
        by_kind: dict[ChangeKind, list[MemberChange]] = {kind: [] for _, kind, _ in TABS}
        for change in plan.changes:
            by_kind[change.kind].append(change)
        first = -1
        for position, (title, kind, _note) in enumerate(TABS):
            items = by_kind[kind]
            self.models[kind].set_items(items)
            self.tabs.setTabText(position, f"{title} ({len(items):,})")
            self.tabs.setTabEnabled(position, bool(items))
            if items and first < 0:
                first = position
        last = len(TABS)
        self.unlisted_model.set_items(plan.unlisted)
        self.tabs.setTabText(last, f"Not on roster ({len(plan.unlisted):,})")
        self.tabs.setTabEnabled(last, bool(plan.unlisted))
        if first < 0 and plan.unlisted:
            first = last
        self.tabs.setCurrentIndex(max(first, 0))
        self.summary.setText(self._summary(plan))
        self.field_choices.clear()
        self.fields.show_change(None)
        self.message.setVisible(False)
        self.acceptance_changed.emit()

    @staticmethod
    def _summary(plan: ImportPlan) -> str:
        counts, parsed = plan.counts, plan.parsed
        skipped = f", {parsed.invalid_rows:,} invalid rows skipped" if parsed.problems else ""
        text = (
            f"<b>{plan.path.name}</b>: {parsed.total_rows:,} member rows read{skipped}. "
            f"{counts['unchanged']:,} HQ records are unchanged."
        )
        if plan.already_imported_batch is not None and not plan.changes:
            text += (
                f" This file was already imported (batch {plan.already_imported_batch}); "
                "there is nothing to change."
            )
        elif not plan.changes:
            text += " Nothing differs from ChapterDesk's HQ data; applying records the import."
        return text

    def current_view(self) -> QTableView | None:
        """The table of the tab on show (None for the "Not on roster" tab)."""
        position = self.tabs.currentIndex()
        return self.views[TABS[position][1]] if 0 <= position < len(TABS) else None

    def _set_all(self, accepted: bool) -> None:
        view = self.current_view()
        if view is not None:
            model = view.model()
            assert isinstance(model, ChangesModel)
            model.set_all(accepted)

    def _show_fields(
        self, view: QTableView | None, _selected: QItemSelection | None = None
    ) -> None:
        self.accept_all.setEnabled(view is not None)
        self.reject_all.setEnabled(view is not None)
        change = None
        if view is not None:
            rows = view.selectionModel().selectedRows()
            if rows:
                change = rows[0].data(ItemRole)
        self.fields.show_change(change)
        if change is None:
            self.fields_caption.setText("Select a member to see the change field by field.")
        else:
            self.fields_caption.setText(f"<b>{change.hq_id} {change.name}</b>, field by field:")

    def rejected(self) -> set[str]:
        """HQ IDs whose (non-conflict) change the officer unticked."""
        return {
            c.hq_id
            for kind, model in self.models.items()
            if kind is not ChangeKind.CONFLICT
            for c in model.items
            if not model.is_accepted(c.hq_id)
        }

    def _keep_local(self) -> None:
        rows = self.fields_view.selectionModel().selectedRows()
        self.fields.keep_local(row.row() for row in rows)

    def choices(self) -> ReviewChoices:
        """The field-level choices: fields left out, conflicts settled either way."""
        decided = self.field_choices.decided
        return ReviewChoices(
            excluded=frozenset(f"{i}:{f}" for i, f in self.field_choices.left_out),
            keep_local=frozenset(f"{i}:{f}" for (i, f), c in decided.items() if c == "keep"),
            take_hq=frozenset(f"{i}:{f}" for (i, f), c in decided.items() if c == "take"),
        )

    def accepted_conflicts(self) -> set[str]:
        """HQ IDs whose conflict the officer ticked (settled in HQ's favour)."""
        return set(self.models[ChangeKind.CONFLICT].accepted)

    def accepted_count(self) -> int:
        """How many changes will be applied as the boxes stand.

        A conflicted member counts once its whole box is ticked, or once one of
        its fields is settled below (either way).
        """
        wholly = self.models[ChangeKind.CONFLICT].accepted
        settled = {hq_id for hq_id, _field in self.field_choices.decided} - set(wholly)
        return sum(len(model.accepted) for model in self.models.values()) + len(settled)
