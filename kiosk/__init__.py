"""village-kiosk core: feed model, data access, search, privacy, QR.

Nothing in this package may import Kivy (tests/test_core_has_no_kivy.py
enforces it), so the core is fast to test and reusable outside the UI.
"""

import os

__version__ = "0.1.0"

# pypinyin's phrase dictionary stays out of the kiosk's process (44 MiB):
# phrase-aware readings come from a child process, see ``kiosk.phrases``.
# Set here, before any kiosk module can import pypinyin.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
# Nor a second copy of its character dictionary (pypinyin copies it so that
# custom readings leave the original alone; the kiosk adds none).
os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "true")
