"""The trusted judge: decides grade cells from exported observations, outside any sandbox.

``judge`` decodes what ``coursekit.check`` exported and judges it against the reference with
the judging core shared with the in-kernel mode (``coursekit.verdict``); ``client`` is the
coordinator's handle on it. Nothing here imports worker, kernel or sandbox code (an
import-linter contract says so): the judge reads only bytes the coordinator hands it.
"""
