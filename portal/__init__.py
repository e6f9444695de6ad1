"""The central portal's receiving service: enrolment, tus uploads of sealed bundles, signed receipts,
the feed back to stations, and the operator's commands.

A separate deployable from the workstation. From the station's code it may import only Qt-free,
store-free pieces: the bundle format (`workstation.packaging.bundle`), signatures
(`workstation.signing`), the shared errors and file helpers (`workstation.errors`,
`workstation.user_files`, `workstation.ids`) and the glossary/TMX file readers
(`workstation.translation.glossary_csv`, `tbx`, `tmx`) used to publish updates.
"""
