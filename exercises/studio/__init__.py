"""The scenario studio: scenarios a facilitator writes in the browser or uploads, kept
as numbered versions beside the built-in packs (docs/scenario-studio.md).

- ``models``: ``Scenario`` (owned) and ``ScenarioVersion`` (each save, never changed).
- ``library``: what a facilitator may pick, duplicate, save, download and upload.
- ``yaml_io``: a snapshot as YAML text and back, through the pack loader's validator.
"""
