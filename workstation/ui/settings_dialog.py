"""Settings: the UI language, who is at the keyboard, and the station's profiles with their roles."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workstation.app import Services
from workstation.model import Role
from workstation.ui.i18n import N_, UI_LANGUAGES, _, ui_language
from workstation.ui.operations import show_error
from workstation.ui.preferences import change_ui_language

ROLE_LABELS = {
    Role.DRAFTER: N_("Drafter"),
    Role.TRANSLATOR: N_("Translator"),
    Role.COORDINATOR: N_("Coordinator"),
    Role.HEAD_OF_MISSION: N_("Head of mission"),
}


class SettingsDialog(QDialog):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.setWindowTitle(_("Settings"))

        self.ui_language = QComboBox()
        for code, name in UI_LANGUAGES.items():
            self.ui_language.addItem(name, code)
        self.ui_language.setCurrentIndex(max(0, self.ui_language.findData(ui_language())))
        self.profile = QComboBox()
        self.profile.setObjectName("currentProfile")
        self._fill_profiles()

        self.new_name = QLineEdit(placeholderText=_("Name of the new profile"))
        self.role_boxes = {role: QCheckBox(_(ROLE_LABELS[role])) for role in Role}
        self.role_boxes[Role.DRAFTER].setChecked(True)
        self.add_button = QPushButton(_("Add profile"))
        self.add_button.clicked.connect(self.add_profile)
        roles = QHBoxLayout()
        for box in self.role_boxes.values():
            roles.addWidget(box)
        people = QGroupBox(_("People at this station"))
        people_form = QFormLayout(people)
        people_form.addRow(_("Working as"), self.profile)
        people_form.addRow(_("New profile"), self.new_name)
        people_form.addRow(_("Roles"), roles)
        people_form.addRow("", self.add_button)

        form = QFormLayout()
        form.addRow(_("Language of the interface"), self.ui_language)
        form.addRow("", QLabel(_("A new interface language applies to windows opened from now on.")))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("OK"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(people)
        layout.addWidget(buttons)

    def _fill_profiles(self) -> None:
        people = self._services.people
        current = people.current()
        self.profile.clear()
        for profile in people.all():
            roles = ", ".join(_(ROLE_LABELS[Role(role)]) for role in sorted(profile.roles))
            self.profile.addItem(f"{profile.name} ({roles})", profile.name)
            if profile.id == current.id:
                self.profile.setCurrentIndex(self.profile.count() - 1)

    def add_profile(self) -> None:
        roles = frozenset(role for role, box in self.role_boxes.items() if box.isChecked())
        try:
            profile = self._services.people.create(self.new_name.text(), roles)
        except Exception as error:
            show_error(self, _("The profile could not be added"), error)
            return
        self.new_name.clear()
        self._fill_profiles()
        self.profile.setCurrentIndex(self.profile.findData(profile.name))

    def accept(self) -> None:
        if self.ui_language.currentData() != ui_language():
            change_ui_language(self._services.store, self.ui_language.currentData())
        if self.profile.currentData():
            self._services.people.switch_to(self.profile.currentData())
        super().accept()
