"""Interactive packages: SCORM 1.2, SCORM 2004 and cmi5 zips.

`archive` checks a zip by its bytes and refuses a hostile one, `manifests` reads
what to launch from its manifest, `cmi` is the SCORM run-time data model a player
may write. The services that import packages and record their run-time data are in
`cairn.learning.services.packages` and `cairn.learning.services.package_runtime`.
"""
