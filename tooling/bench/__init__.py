"""``village-kiosk bench``: the terminal's numbers, measured side by side
with a browser kiosk showing the same village data.

The parts here are core (no Kivy): the report, memory reading, the sync
benchmark and the browser peer. The Kivy-side measurements run in a child
process (``python -m tooling.bench.ui``) so this process never loads Kivy
and its own memory never mixes with the kiosk's.
"""
