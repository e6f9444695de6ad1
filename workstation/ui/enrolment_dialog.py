"""Enrolment: the portal's address and a one-time code, entered once; the station's identity and the
portal's key fingerprint, to read out to the portal's administrator over the phone.

The exchange runs off the UI thread (a hotel Wi-Fi may take its time to answer or to fail).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workstation.app import Services
from workstation.sync.service import EnrolmentResult
from workstation.ui.i18n import _
from workstation.ui.operations import Operation, OperationContext, describe_error
from workstation.ui.sync_rows import portal_key_fingerprint


def station_identity_html(services: Services) -> str:
    """Who this station is and whom it trusts, for the Sync view and the enrolment dialog."""
    identity = services.identity
    portal = services.sync.portal_url()
    lines = [
        _("Station {name} · id {station_id}").format(
            name=f"<b>{html.escape(identity.name)}</b>", station_id=f"<code>{identity.station_id}</code>"
        ),
        _("Station key fingerprint {fingerprint}").format(fingerprint=f"<code>{identity.fingerprint}</code>"),
    ]
    if portal:
        lines.append(_("enrolled with {portal}").format(portal=html.escape(portal)))
        portal_key = portal_key_fingerprint(services)
        if portal_key:
            lines.append(_("Portal key fingerprint {fingerprint}").format(fingerprint=f"<code>{portal_key}</code>"))
    else:
        lines.append(_("not enrolled yet"))
    return "<br>".join(lines)


class EnrolmentForm(QWidget):
    """Address, code and the Enrol button; emits `enrolled` once the portal has said yes."""

    enrolled = Signal(object)  # EnrolmentResult
    failed = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._operation: Operation[EnrolmentResult] | None = None
        self.portal_url = QLineEdit(placeholderText="https://portal.example.org")
        self.portal_url.setObjectName("portalUrl")
        self.code = QLineEdit(placeholderText=_("one-time enrolment code"))
        self.code.setObjectName("enrolmentCode")
        self.enrol_button = QPushButton(_("Enrol this station"))
        self.enrol_button.clicked.connect(self.enrol)
        self.code.returnPressed.connect(self.enrol)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setObjectName("enrolmentMessage")
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(_("Portal address"), self.portal_url)
        form.addRow(_("Enrolment code"), self.code)
        form.addRow("", self.enrol_button)
        form.addRow("", self.message)
        portal = services.sync.portal_url()
        if portal:
            self.portal_url.setText(portal)

    @property
    def running(self) -> bool:
        return self._operation is not None and self._operation.running

    def enrol(self) -> Operation[EnrolmentResult] | None:
        url, code = self.portal_url.text().strip(), self.code.text().strip()
        if not url or not code:
            self._say(_("Enter the portal's address and the one-time code its administrator gave you."), error=True)
            return None
        if self.running:
            return None
        sync = self._services.sync

        def work(_context: OperationContext) -> EnrolmentResult:
            return sync.enrol(url, code)

        self.enrol_button.setEnabled(False)
        self._say(_("Enrolling with {portal}…").format(portal=url))
        self._operation = Operation(self, work, on_success=self._enrolled, on_failure=self._failed)
        self._operation.finished.connect(lambda: self.enrol_button.setEnabled(True))
        return self._operation

    def _enrolled(self, result: EnrolmentResult) -> None:
        self.code.clear()
        self._say(
            _("This station is enrolled; the portal's key fingerprint is {fingerprint}.").format(
                fingerprint=result.portal_key_fingerprint
            )
        )
        self.enrolled.emit(result)

    def _failed(self, error: BaseException) -> None:
        text = _("Enrolment failed: {error}").format(error=describe_error(error))
        self._say(text, error=True)
        self.failed.emit(text)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color:#a00000;" if error else "")
        self.message.setText(text)


class EnrolmentDialog(QDialog):
    """Enrol, or enrol again (after the portal revoked the station, or moved): identity, then the form."""

    enrolled = Signal(object)  # EnrolmentResult

    def __init__(self, services: Services, parent: QWidget | None = None, reason: str = "") -> None:
        super().__init__(parent)
        self._services = services
        self.setWindowTitle(_("Enrol with the portal"))
        self.setMinimumWidth(560)
        self.reason = QLabel(reason)
        self.reason.setWordWrap(True)
        self.reason.setObjectName("enrolmentReason")
        self.reason.setStyleSheet("background:#fff4ce;border:1px solid #e0c060;padding:6px;")
        self.reason.setVisible(bool(reason))
        self.identity = QLabel()
        self.identity.setWordWrap(True)
        self.identity.setObjectName("stationIdentity")
        self.form = EnrolmentForm(services)
        self.form.enrolled.connect(self._enrolled)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reason)
        layout.addWidget(self.identity)
        layout.addWidget(self.form)
        layout.addWidget(buttons)
        self._show_identity()

    def _show_identity(self) -> None:
        self.identity.setText(station_identity_html(self._services))

    def _enrolled(self, result: EnrolmentResult) -> None:
        self._show_identity()
        self.reason.hide()
        self.enrolled.emit(result)
