"""village-kiosk core: feed model, data access, search, privacy, QR.

Nothing in this package may import Kivy (tests/test_core_has_no_kivy.py
enforces it), so the core is fast to test and reusable outside the UI.
"""

__version__ = "0.1.0"
