"""The Sync view on a real store, against a real portal process on 127.0.0.1.

Stations come from tests/support/stations.py (small sealed bundles); the window is the app's own.
A "slow link" is a real HTTP transport that waits before each chunk, so an upload is still running
when the test looks at it or cancels it.
"""

from __future__ import annotations

import socket
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt

from tests.support.portal_process import enrol_code, portal_command
from tests.support.qt import close_window
from tests.support.stations import complete_article
from workstation.clock import utc_now
from workstation.model import Delivery, DeliveryState, ItemDecision
from workstation.sync.client import PortalClient
from workstation.sync.service import PORTAL_URL, SyncService
from workstation.sync.worker import Backoff
from workstation.transfer_meter import TransferEstimate
from workstation.ui.enrolment_dialog import EnrolmentDialog
from workstation.ui.i18n import set_ui_language
from workstation.ui.operations import Operation, transfer_text
from workstation.ui.sync_background import Connection
from workstation.ui.sync_view import STATE_COLUMN, answer_text, delivery_state_text

CHUNK = 2048
REJECTION = "data/package.json does not match its sha256 in the manifest (altered?)"


class SlowLink(httpx.HTTPTransport):
    """A real connection that takes its time over every chunk of an upload, like a hotel Wi-Fi."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PATCH":
            time.sleep(0.15)
        return super().handle_request(request)


@pytest.fixture
def station_window(qtbot):
    """The app's window on a station's store; `slow=True` puts the slow link between it and the portal."""
    from workstation.app import open_services
    from workstation.ui.main_window import MainWindow

    opened = []

    def build(station, slow: bool = False):
        services = open_services(station.store.path)

        def client(url: str, token: str | None) -> PortalClient:
            return PortalClient(url, token, chunk_size=CHUNK, timeout=10.0, transport=SlowLink() if slow else None)

        # The composition root's one seam: the sync service, built on a client for this link.
        services.__dict__["sync"] = SyncService(services.store, services.identity, client, utc_now, services.bus)
        window = MainWindow(services)
        qtbot.addWidget(window)
        window.show()
        opened.append((window, services))
        window.show_section("Sync")
        return window

    yield build
    for window, services in opened:
        close_window(window, services)


def operator(portal, *arguments: str) -> str:
    """`workstation-portal --data DIR ARGUMENTS`, as the portal's operator runs it."""
    completed = subprocess.run(portal_command(portal.data_dir, *arguments), capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip()


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


@pytest.fixture
def enrolled(portal, new_station):
    station = new_station("a")
    station.enrol(portal.url, enrol_code(portal.data_dir))
    return station


# An Operation deletes itself once finished: tests wait on its `running` flag, not on its signals
# (pytest-qt would disconnect from a deleted object).


def state_cells(view) -> list[str]:
    return [view.outbox.item(row, STATE_COLUMN).text() for row in range(view.outbox.rowCount())]


def test_each_bundle_goes_from_queued_to_accepted_or_rejected_with_every_reason(qtbot, enrolled, station_window):
    good = enrolled.seal()
    forged = enrolled.tamper(enrolled.seal())
    window = station_window(enrolled)
    view = window.sync
    assert state_cells(view) == ["queued", "queued"]
    assert window.outbox_label.text() == "Outbox: 2 waiting"

    with qtbot.waitSignal(view.synced, timeout=30_000):
        qtbot.mouseClick(view.sync_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: sorted(state_cells(view)) == ["accepted", "rejected"])
    assert view.message.text() == "2 bundles: 1 accepted, 1 rejected."
    rejected = view.row_for(forged.package_id)
    accepted = view.row_for(good.package_id)
    assert REJECTION in view.outbox.item(rejected, 4).text()
    fingerprint = view._portal_fingerprint
    assert fingerprint and fingerprint in window.sync.station.text()
    assert view.outbox.item(accepted, 5).text() == "✔ verified"
    assert fingerprint in view.outbox.item(accepted, 5).toolTip()
    view.outbox.selectRow(rejected)
    details = view.details.toPlainText()
    assert "Why the portal rejected it:" in details and REJECTION in details
    assert f"Signed receipt verified against the portal key {fingerprint}." in details
    assert window.outbox_label.text() == "Outbox: 0 waiting"
    assert window.connection_label.text() == f"Portal: {enrolled.service().portal_url()} · connected"


def test_a_receipt_that_does_not_verify_is_flagged(qtbot, enrolled, station_window):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from workstation.signing import public_key_b64
    from workstation.sync.service import PORTAL_PUBLIC_KEY

    entry = enrolled.seal()
    enrolled.service().sync()
    assert enrolled.outbox.get(entry.package_id, 1).state == DeliveryState.ACCEPTED
    # The station's trusted key changes after the fact (a tampered store): the kept receipt no longer verifies.
    enrolled.store.set_setting(PORTAL_PUBLIC_KEY, public_key_b64(Ed25519PrivateKey.generate()))
    view = station_window(enrolled).sync
    assert view.outbox.item(0, 5).text() == "⚠ not verified"
    assert "it is not trusted" in view.details.toPlainText()


def test_an_upload_shows_its_percentage_rate_and_time_left_and_cancel_stops_at_the_next_chunk(
    qtbot, enrolled, station_window
):
    entry = enrolled.seal()
    window = station_window(enrolled, slow=True)
    view = window.sync
    estimates: list[TransferEstimate] = []

    operation = view.sync()
    assert isinstance(operation, Operation) and operation.measures_bytes
    operation.transferred.connect(estimates.append)
    qtbot.waitUntil(lambda: any(estimate.rate for estimate in estimates), timeout=20_000)
    # The row of the bundle carries the rate too, refreshed while the bytes flow.
    qtbot.waitUntil(lambda: state_cells(view)[0].startswith("uploading ") and "/s" in state_cells(view)[0])
    strip = view.progress_strip.detail.text()
    assert "%" in strip and " of " in strip and "/s" in strip
    assert window.outbox_label.text().startswith("Outbox: 1 waiting · sending ")

    with qtbot.waitSignal(view.synced, timeout=20_000):
        qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
        assert view.progress_strip.detail.text() == "Cancelling at the next chunk…"

    kept = enrolled.outbox.get(entry.package_id, 1)
    assert 0 < kept.acknowledged_offset < kept.size
    assert view.message.text() == "1 bundle: 1 cancelled."
    assert view.progress_strip.isHidden()
    percent = kept.acknowledged_offset * 100 // kept.size
    assert state_cells(view) == [f"uploading {percent}% · resumes at the next sync"]


def test_enrolment_dialog_enrols_against_the_portal_and_shows_both_fingerprints(qtbot, portal, new_station, window):
    dialog = EnrolmentDialog(window.services, window)
    identity = window.services.identity
    assert identity.station_id in dialog.identity.text() and identity.fingerprint in dialog.identity.text()
    assert "not enrolled yet" in dialog.identity.text()

    dialog.form.portal_url.setText(portal.url)
    dialog.form.code.setText(enrol_code(portal.data_dir))
    with qtbot.waitSignal(dialog.enrolled, timeout=15_000) as enrolled:
        qtbot.mouseClick(dialog.form.enrol_button, Qt.MouseButton.LeftButton)

    result = enrolled.args[0]
    assert window.services.sync.is_enrolled()
    assert f"Portal key fingerprint <code>{result.portal_key_fingerprint}</code>" in dialog.identity.text()
    assert result.portal_key_fingerprint in dialog.form.message.text()
    qtbot.waitUntil(lambda: window.sync.enrolment.isHidden())  # the Sync view follows the change


def test_a_refused_code_is_said_in_the_form_and_nothing_is_enrolled(qtbot, portal, window):
    view = window.sync
    view.portal_url.setText(portal.url)
    view.code.setText("AAAA-BBBB-CCCC-DDDD")
    qtbot.mouseClick(view.enrol_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Enrolment failed" in view.message.text(), timeout=15_000)
    assert "unknown enrolment code" in view.enrolment.message.text()
    assert not window.services.sync.is_enrolled()


def test_a_revoked_station_is_told_so_and_can_enrol_again(qtbot, portal, enrolled, station_window):
    enrolled.seal()
    operator(portal, "revoke", enrolled.station_id)  # the laptop was reported lost, then found
    window = station_window(enrolled)
    view = window.sync

    with qtbot.waitSignal(view.runner.failed, timeout=15_000):
        view.sync()
    assert not view.revoked.isHidden()
    assert "no longer accepts this station" in view.revoked_text.text()
    assert "enrol again" in window.connection_label.text()
    assert state_cells(view) == ["queued"]  # nothing was lost

    qtbot.mouseClick(view.revoked_enrol_button, Qt.MouseButton.LeftButton)
    dialog = view.findChild(EnrolmentDialog)
    assert dialog is not None and "no longer accepts this station" in dialog.reason.text()
    dialog.form.code.setText(enrol_code(portal.data_dir))
    with qtbot.waitSignal(dialog.enrolled, timeout=15_000):
        qtbot.mouseClick(dialog.form.enrol_button, Qt.MouseButton.LeftButton)
    assert view.revoked.isHidden()
    with qtbot.waitSignal(view.synced, timeout=15_000):
        view.sync()
    qtbot.waitUntil(lambda: state_cells(view) == ["accepted"])


def test_background_sync_delivers_without_a_click_once_turned_on(qtbot, enrolled, station_window):
    entry = enrolled.seal()
    window = station_window(enrolled)
    view = window.sync
    assert not view.background.isChecked() and "background sync is off" in view.schedule.text()

    with qtbot.waitSignal(view.synced, timeout=30_000):
        view.background.setChecked(True)

    assert enrolled.outbox.get(entry.package_id, 1).state == DeliveryState.ACCEPTED
    runner = window.sync_runner
    assert runner.connection is Connection.REACHABLE and runner.failures == 0
    assert "Last sync just now" in view.schedule.text() and "next background sync in" in view.schedule.text()
    assert enrolled.store.get_setting("background_sync") == "on"


def test_background_sync_backs_off_while_the_portal_is_away(qtbot, enrolled, station_window, closed_port_url):
    enrolled.seal()
    enrolled.store.set_setting(PORTAL_URL, closed_port_url)
    window = station_window(enrolled)
    view = window.sync
    runner = window.sync_runner

    with qtbot.waitSignal(runner.failed, timeout=30_000):
        view.background.setChecked(True)

    assert runner.failures == 1 and runner.connection is Connection.UNREACHABLE
    assert runner.last_attempt_at is not None and runner.next_attempt_at is not None
    waiting = runner.next_attempt_at - runner.last_attempt_at
    assert timedelta(0) <= waiting <= timedelta(seconds=Backoff().base * 2 + 1)  # full jitter below 2 · base
    assert "(after 1 failed attempt)" in view.schedule.text()
    assert "unreachable, next attempt in" in window.connection_label.text()
    assert state_cells(view) == ["queued"]
    view.background.setChecked(False)
    assert runner.next_attempt_at is None and "background sync is off" in view.schedule.text()


def delivery(state: str, acknowledged: int, size: int, decisions: tuple[ItemDecision, ...] = ()) -> Delivery:
    return Delivery(
        package_id="p", package_name="Tin tuần", version=1, state=state, acknowledged=acknowledged, size=size,
        attempts=1, last_error="", reasons=(), receipt=None, receipt_verified=False, sealed_at="", updated_at="",
        delivered_at=None, route=None, decisions=decisions,
    )  # fmt: skip


def test_rate_and_time_left_read_well_in_english_and_vietnamese() -> None:
    estimate = TransferEstimate(done=1_250_000, total=3_000_000, rate=240_000.0, seconds_left=7.3)
    assert transfer_text(estimate) == "41% · 1.2 MB of 3.0 MB · 240 kB/s · about 7 seconds left"
    assert transfer_text(TransferEstimate(0, 3_000_000, None, None)) == "0% · 0 B of 3.0 MB · measuring the speed…"
    stalled = TransferEstimate(1_250_000, 3_000_000, 0.2, None)
    assert transfer_text(stalled).endswith("· waiting for the connection")
    uploading = delivery("uploading", acknowledged=1_250_000, size=3_000_000)
    assert delivery_state_text(uploading, estimate) == "uploading 41% · 240 kB/s · about 7 seconds left"
    assert delivery_state_text(delivery("verifying", 3_000_000, 3_000_000)) == "verifying"
    assert (
        delivery_state_text(delivery("uploading", 1_000_000, 3_000_000)) == "uploading 33% · resumes at the next sync"
    )
    set_ui_language("vi")
    try:
        assert transfer_text(estimate).startswith("41% · 1,2 MB")
    finally:
        set_ui_language("en")


def test_a_bundle_with_an_item_returned_shows_returned_and_published_once_all_are() -> None:
    def decided(item_id: str, outcome: str) -> ItemDecision:
        return ItemDecision(
            f"d-{item_id}-{outcome}", item_id, "vi", outcome, ("Sửa tít",), "editor", "2026-11-27T10:00Z"
        )

    returned = delivery("accepted", 10, 10, (decided("a", "published"), decided("b", "returned")))
    assert delivery_state_text(returned) == "returned with comments"
    assert answer_text(returned) == "1 item returned with comments"
    corrected = delivery(
        "accepted", 10, 10, (decided("a", "published"), decided("b", "returned"), decided("b", "published"))
    )
    assert delivery_state_text(corrected) == "published"
    assert delivery_state_text(delivery("accepted", 10, 10)) == "accepted"


def decide(portal, entry, *arguments: str) -> None:
    """`workstation-portal decide`, as the portal's editors' desk runs it."""
    operator(portal, "decide", f"{entry.package_id}/v{entry.package_version}", *arguments)


def test_returned_comments_appear_beside_the_article_and_its_translation(qtbot, portal, window):
    services = window.services
    services.sync.enrol(portal.url, enrol_code(portal.data_dir))
    article, _picture = complete_article(services, languages=("en",))
    [translation] = services.translations.translations_of(article.id)
    entry = services.packaging.seal(services.packaging.create("Bản tin tuần", [article.id]).id).entry
    window.show_section("Sync")
    view = window.sync
    with qtbot.waitSignal(view.synced, timeout=30_000):
        view.sync()
    decide(portal, entry, "--returned", "--item", article.id, "--language", "vi", "--comment", "Tít quá dài",
           "--comment", "Thiếu nguồn ảnh", "--editor", "Lan")  # fmt: skip
    decide(portal, entry, "--returned", "--item", translation.id, "--language", "en",
           "--comment", "Use the Embassy's official name")  # fmt: skip

    with qtbot.waitSignal(view.synced, timeout=30_000):
        view.sync()

    qtbot.waitUntil(lambda: state_cells(view) == ["returned with comments"])
    assert view.outbox.item(0, 4).text() == "2 items returned with comments"
    details = view.details.toPlainText()
    assert "Tít quá dài" in details and "Use the Embassy's official name" in details
    window.show_section("Articles")
    window.articles.select(article.id)
    editor = window.articles.editor
    assert not editor.returned_banner.isHidden()
    comments = editor.returned_banner.comments.text()
    assert "Tít quá dài" in comments and "Thiếu nguồn ảnh" in comments and "Decided by Lan" in comments
    assert "Use the Embassy's official name" not in comments  # the English comment is the translation's
    assert not editor.headline.isReadOnly() and not editor.body.isReadOnly()  # open for corrections again

    window.show_translation(translation.id)
    banner = window.translations.editor.returned_banner
    assert not banner.isHidden() and "Use the Embassy's official name" in banner.comments.text()


def test_no_banner_for_an_item_the_portal_did_not_return(qtbot, window, sample_article):
    window.articles.select(sample_article.id)
    assert window.articles.editor.returned_banner.isHidden()


def test_hand_carried_bundles_go_out_to_a_folder_and_their_receipts_come_back(
    qtbot, portal, enrolled, station_window, tmp_path
):
    entry = enrolled.seal()
    view = station_window(enrolled).sync
    stick = tmp_path / "usb-stick"
    stick.mkdir()

    exporting = view.export_outbox(stick)
    assert exporting is not None and exporting.measures_bytes
    qtbot.waitUntil(lambda: not exporting.running, timeout=15_000)
    copied = stick / entry.file_name
    assert copied.read_bytes() == enrolled.bundle_path(entry).read_bytes()
    assert view.message.text() == f"1 bundle copied to {stick}; carry it to the portal."

    # At the portal, the operator ingests the stick's bundle; its receipt file comes back the same way.
    receipt_file = Path(operator(portal, "ingest", str(copied), "--station", enrolled.station_id))
    importing = view.import_receipts([receipt_file])
    assert importing is not None
    qtbot.waitUntil(lambda: not importing.running, timeout=15_000)

    assert view.message.text() == "1 bundle: 1 accepted."
    assert state_cells(view) == ["accepted"] and view.outbox.item(0, 5).text() == "✔ verified"
    assert enrolled.outbox.get(entry.package_id, 1).state == DeliveryState.ACCEPTED


def test_the_long_work_wrapper_reports_bytes_with_estimates_and_other_work_with_its_label(qtbot):
    from PySide6.QtWidgets import QWidget

    from workstation.ui.operations import OperationContext, OperationProgress

    parent = QWidget()
    qtbot.addWidget(parent)
    strip = OperationProgress(parent)

    def copy(context: OperationContext) -> str:
        for done in (0, 400_000, 1_000_000):
            context.progress(done, 1_000_000)
        return "copied"

    estimates: list[TransferEstimate] = []
    copying = Operation(parent, copy, measures_bytes=True)
    copying.transferred.connect(estimates.append)
    strip.follow(copying)
    assert not strip.isHidden() and strip.bar.maximum() == 0  # busy until the first report
    qtbot.waitUntil(lambda: not copying.running, timeout=5_000)
    assert [estimate.done for estimate in estimates] == [0, 400_000, 1_000_000]
    assert estimates[-1].percent == 100 and estimates[-1].seconds_left == 0.0
    assert strip.isHidden()

    def count(context: OperationContext) -> None:
        context.progress(3, 10, "Tuần Văn hoá Việt Nam.docx")

    counting = Operation(parent, count)
    seen: list[str] = []
    strip.follow(counting)
    counting.progressed.connect(lambda *_: seen.append(strip.detail.text()))  # after the strip's own slot
    qtbot.waitUntil(lambda: not counting.running, timeout=5_000)
    assert seen == ["Tuần Văn hoá Việt Nam.docx"] and not counting.measures_bytes


def test_the_long_work_wrapper_counts_bundles_larger_than_two_gibibytes(qtbot):
    from PySide6.QtWidgets import QWidget

    from workstation.ui.operations import OperationContext, OperationProgress

    parent = QWidget()
    qtbot.addWidget(parent)
    strip = OperationProgress(parent)
    size = 5 * 2**30

    def send(context: OperationContext) -> None:
        context.progress(3 * 2**30, size)

    estimates: list[TransferEstimate] = []
    sending = Operation(parent, send, measures_bytes=True)
    sending.transferred.connect(estimates.append)
    strip.follow(sending)
    qtbot.waitUntil(lambda: not sending.running, timeout=5_000)
    assert [(estimate.done, estimate.total) for estimate in estimates] == [(3 * 2**30, size)]
    assert estimates[0].percent == 60


def test_a_feed_entry_that_did_not_verify_is_flagged(qtbot, enrolled, station_window):
    from workstation.sync.service import FEED_PROBLEM

    view = station_window(enrolled).sync
    assert view.feed_warning.isHidden()
    problem = "feed entry 7 (decision) is not signed by the portal key recorded at enrolment"
    enrolled.store.set_setting(FEED_PROBLEM, problem)  # what a pull that met a forged entry records
    view.reload()
    assert not view.feed_warning.isHidden() and problem in view.feed_warning.text()
