"""The banner an editor shows above an article or translation the portal's editors sent back:
their comments for that item and language, beside the text being corrected."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from workstation.app import Services
from workstation.model import Article, ItemDecision
from workstation.ui.i18n import _, format_datetime_local
from workstation.ui.sync_rows import RETURNED


class ReturnedBanner(QWidget):
    """Hidden unless the portal's latest word on the open item is "returned"; then it lists the comments."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.decision: ItemDecision | None = None
        self.setObjectName("returnedBanner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#returnedBanner{background:#fff4ce;border:1px solid #e0c060;}")
        self.title = QLabel()
        self.title.setObjectName("returnedTitle")
        self.title.setWordWrap(True)
        self.comments = QLabel()
        self.comments.setObjectName("returnedComments")
        self.comments.setWordWrap(True)
        self.comments.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide_button = QToolButton(text=_("Hide"))
        self.hide_button.setToolTip(_("Hide the comments until this item is opened again"))
        self.hide_button.clicked.connect(self.hide)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.hide_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        layout.addWidget(self.comments)
        self.hide()

    def load(self, item: Article) -> None:
        """Show the comments of the latest decision on this item in its language, if it returned it."""
        decisions = [
            decision for decision in self._services.sync.feedback_for(item.id) if decision.language == item.language
        ]
        self.decision = decisions[-1] if decisions and decisions[-1].outcome == RETURNED else None
        if self.decision is None:
            self.hide()
            return
        self.title.setText(
            "<b>"
            + html.escape(_("Returned by the portal with comments: correct the text, then send it again."))
            + "</b>"
        )
        lines = [f"• {html.escape(comment, quote=False)}" for comment in self.decision.comments] or [
            html.escape(_("The portal's editors gave no comment."))
        ]
        who = self.decision.editor or _("the portal's editors")
        decided = _("Decided by {editor}, {when}").format(
            editor=who, when=format_datetime_local(self.decision.decided_at)
        )
        lines.append(f"<span style='color:#555'>{html.escape(decided, quote=False)}</span>")
        self.comments.setText("<br>".join(lines))
        self.show()
