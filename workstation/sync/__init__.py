"""Delivery to the central portal: enrolment, resumable upload of the outbox, signed receipts.

Qt-free: the UI runs `SyncService.sync` on a worker thread and shows what it returns.
"""
