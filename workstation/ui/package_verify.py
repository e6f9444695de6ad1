"""What verifying a bundle found: "valid, signed by …", or every problem, one per line."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QVBoxLayout, QWidget

from workstation.packaging.bundle import BundleReport
from workstation.ui.i18n import _, format_number, ngettext
from workstation.ui.segment_model import ERROR_COLOUR

VALID_COLOUR = "#2e7d32"


def signer_text(report: BundleReport, station_names: dict[str, tuple[str, str]]) -> str:
    """ "Embassy in Seoul (3F2A 91C0 …)" for a known station; the bare station id otherwise.

    `station_names` maps a station id to its (name, key fingerprint)."""
    station = report.station_id or _("an unknown station")
    name, fingerprint = station_names.get(report.station_id or "", ("", ""))
    if name and fingerprint:
        return f"{name} ({fingerprint})"
    return f"{station} ({fingerprint})" if fingerprint else station


def report_summary(report: BundleReport, station_names: dict[str, tuple[str, str]]) -> str:
    if report.valid:
        return "✓ " + _("Valid, signed by {station}").format(station=signer_text(report, station_names))
    count = len(report.problems)
    return "✗ " + ngettext(
        "{n} problem: the bundle is not valid", "{n} problems: the bundle is not valid", count
    ).format(n=format_number(count))


class BundleReportDialog(QDialog):
    """Shown after verifying; not modal, so the coordinator can keep it open beside the builder."""

    def __init__(
        self, path: Path, report: BundleReport, station_names: dict[str, tuple[str, str]], parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.report = report
        self.setWindowTitle(_("Verify a bundle — {name}").format(name=path.name))
        self.summary = QLabel(report_summary(report, station_names))
        self.summary.setObjectName("verifySummary")
        self.summary.setWordWrap(True)
        colour = VALID_COLOUR if report.valid else ERROR_COLOUR
        self.summary.setStyleSheet(f"color:{colour};font-weight:bold;")
        details = []
        if report.identity is not None:
            details.append(
                _("Package {package}, version {version}").format(
                    package=report.identity.package_id, version=report.identity.version
                )
            )
        details.append(
            _("{items} items, {media} media files").format(
                items=format_number(report.item_count), media=format_number(report.media_count)
            )
        )
        self.details = QLabel(" · ".join(details))
        self.details.setStyleSheet("color:#555;")
        self.problems = QListWidget()
        self.problems.setObjectName("verifyProblems")
        self.problems.setWordWrap(True)
        self.problems.addItems(report.problems)
        self.problems.setVisible(bool(report.problems))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.details)
        layout.addWidget(self.problems, 1)
        if not report.problems:
            layout.addStretch(1)  # the summary and details stay together at the top
        layout.addWidget(buttons)
        self.resize(640, 380 if report.problems else 160)
