"""The county's hub (``village-kiosk hub``): receives every terminal's
heartbeat (docs/OPERATIONS.md §8) into a database and shows county and
township staff which terminals are dark, out of date or short of disk.

- ``config``: the hub's TOML file; ``store`` with ``sqlite`` and
  ``postgres``: the data behind one interface;
- ``ingest``: a heartbeat body checked into a record; ``tokens``,
  ``accounts``: who may write and who may read;
- ``feeds``: the newest published feed of each village; ``status``: what
  the pages say about each terminal; ``pages``: the HTML;
- ``app``: the web application (Starlette); ``server``: uvicorn running it;
- ``cli`` and ``commands``: the sub-commands; ``demo``: the hub with a few
  simulated terminals.

Nothing here imports Kivy: the hub runs on a server without a display.
"""
