"""A package's sealed versions: when, how large, where each stands, and what changed since the one before."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from workstation.model import PackageVersion
from workstation.ui.i18n import _, format_datetime_local, format_number, ngettext, state_label
from workstation.ui.operations import format_size

VERSION, SEALED, SIZE, DELIVERY, CHANGES = range(5)
DELIVERY_COLOURS = {"accepted": "#2e7d32", "rejected": "#c62828", "returned": "#c62828", "queued": "#8a5a00"}


class PackageVersionsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.versions: list[PackageVersion] = []
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("versionTree")
        # TRANSLATORS: columns of a package's versions: when it was sealed, and where its bundle stands
        # (queued, uploading, accepted…).
        headers = [_("Version"), _("Sealed"), _("Size"), _("Delivery"), _("Changes since the one before")]
        self.tree.setHeaderLabels(headers)
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)
        header = self.tree.header()
        for column in (VERSION, SEALED, SIZE, DELIVERY):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)

    def show_versions(self, versions: Sequence[PackageVersion]) -> None:
        """Newest first: the version just sealed is the one the coordinator looks for."""
        self.versions = sorted(versions, key=lambda version: version.version, reverse=True)
        self.tree.clear()
        for version in self.versions:
            changes = "\n".join(f"• {change}" for change in version.changes) if version.changes else _("First version")
            row = QTreeWidgetItem(
                [
                    format_number(version.version),
                    format_datetime_local(version.sealed_at, "medium"),
                    format_size(version.size),
                    state_label(version.state) if version.state else _("no longer in the outbox"),
                    changes,
                ]
            )
            row.setTextAlignment(VERSION, Qt.AlignmentFlag.AlignCenter)
            row.setTextAlignment(SIZE, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            colour = DELIVERY_COLOURS.get(str(version.state))
            if colour:
                row.setForeground(DELIVERY, QColor(colour))
            row.setToolTip(CHANGES, changes)
            row.setToolTip(SEALED, version.file_name)
            self.tree.addTopLevelItem(row)
        if self.versions:
            count = ngettext("{n} sealed version.", "{n} sealed versions.", len(self.versions)).format(
                n=format_number(len(self.versions))
            )
            self.summary.setText(f"{count} " + _("A sealed bundle never changes: a correction is a new version."))
        else:
            self.summary.setText(_("Not sealed yet. Sealing makes version 1 and puts it in the outbox."))
