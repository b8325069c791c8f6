"""The UI's colours, as data (no Kivy: the deployed-session test reads them
off screenshots in a process that never starts Kivy)."""

# Normal mode: warm paper, text contrast >= 4.5:1 everywhere (WCAG AA).
NORMAL = {
    "bg": "#F3EFE6",
    "surface": "#FFFFFF",
    "text": "#1B1B1B",
    "muted": "#4D4A45",
    "primary": "#A1251B",
    "primary_ink": "#FFFFFF",
    "header": "#8E1F16",
    "header_ink": "#FFFFFF",
    "line": "#C9C1B3",
    "warn_bg": "#FFF1C2",
    "warn": "#5C3D00",
    "danger": "#A1251B",
    "ok": "#1E5E2E",
    "pressed": "#E4DCCB",
}
# Large mode raises contrast too: >= 7:1 (WCAG AAA). The page is a light
# grey, so white cards and rows on it are seen as cards (white on white
# showed no row at all).
HIGH_CONTRAST = {
    "bg": "#E3E3E3",
    "surface": "#FFFFFF",
    "text": "#000000",
    "muted": "#262626",
    "primary": "#7A150D",
    "primary_ink": "#FFFFFF",
    "header": "#5E0F09",
    "header_ink": "#FFFFFF",
    "line": "#595959",
    "warn_bg": "#FFE9A0",
    "warn": "#3A2600",
    "danger": "#7A150D",
    "ok": "#0E3E1A",
    "pressed": "#D9D9D9",
}
# Section tile colours (white text on each keeps >= 7:1).
TILE_COLOURS = ["#7A150D", "#0B4F6C", "#1E5631", "#5B2C83", "#6B4400", "#8E1F16", "#2F3E46"]
