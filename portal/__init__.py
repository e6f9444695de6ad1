"""The central portal's receiving service: enrolment, tus uploads of sealed bundles, signed receipts.

A separate deployable from the workstation. It may import only the Qt-free bundle format
(`workstation.packaging.bundle`) and signatures (`workstation.signing`) from the station's code.
"""
