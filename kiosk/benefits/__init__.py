"""民生资金查询: a villager looks up the subsidies paid to them, privately.

The feed carries every person's payments sealed under a key derived from
their resident ID number with a slow, salted hash (scrypt); the terminal
holds no ID number, no name and no amount it could read without that
number. See docs/FEED-FORMAT.md section 4.7 for the format and what it
protects against.

- ``id_number``: the 18-digit resident ID and its GB 11643 check character;
- ``model``: the published document and the publisher's plain source;
- ``sealing``: the key derivation and the sealed records;
- ``lookup``: from a typed number to the family names to choose from and
  the person's payments;
- ``view``: the payments as the screen and the read-aloud text show them;
- ``publish``: ``feed build``'s step from the plain source to the sealed
  document.
"""
