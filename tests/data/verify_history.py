"""Check the evidence ``village-kiosk feed history --record ID --json`` prints,
with the publisher's public keys alone.

Independent of the kiosk's code on purpose: it reads only what
docs/FEED-PROTOCOL.md sections 3, 16 and 17 say, with the standard library
and the ``cryptography`` package. Usage::

    python verify_history.py BUNDLE.json PUBKEY [PUBKEY ...]

Prints one line per version and exits 0 when every version checks out,
1 (naming the first problem) otherwise.
"""

import base64
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

# FEED-PROTOCOL.md section 17: where each kind of record sits in its document.
LIST_FIELDS = {"finance": "entries", "project": "projects", "disclosure": "disclosures", "notice": "notices", "case": "cases"}


class Invalid(Exception):
    pass


def load_key(path):
    with open(path, encoding="ascii") as file:
        text = file.read().strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode("ascii"))
    else:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16], key


def check_version(bundle, item, keys):
    manifest_bytes = base64.b64decode(item["manifest"], validate=True)
    signature_text = base64.b64decode(item["signature"], validate=True).strip()
    manifest = json.loads(manifest_bytes)
    key = keys.get(manifest["key_id"])
    if key is None:
        raise Invalid(f"v{item['version']}: signed by key {manifest['key_id']}, not one of the publisher's keys given")
    try:
        key.verify(base64.b64decode(signature_text, validate=True), manifest_bytes)
    except InvalidSignature:
        raise Invalid(f"v{item['version']}: the signature does not match the manifest") from None
    if manifest["version"] != item["version"] or manifest["village"] != bundle["village"]:
        raise Invalid(f"v{item['version']}: the manifest is v{manifest['version']} of village {manifest['village']}")
    data = base64.b64decode(item["data"], validate=True)
    digest = hashlib.sha256(data).hexdigest()
    kind, _, record_id = bundle["record"].partition(":")
    if item["source"] == "change_log":
        ref = manifest.get("changes")
        if not ref or ref["sha256"] != digest or ref["size"] != len(data):
            raise Invalid(f"v{item['version']}: the change log is not the one the manifest names")
        log = json.loads(data)
        if log["version"] != manifest["version"] or log["village"] != manifest["village"]:
            raise Invalid(f"v{item['version']}: the change log is another version's")
        entries = [entry for entry in log["changes"] if entry["record"] == bundle["record"]]
        if len(entries) != 1:
            raise Invalid(f"v{item['version']}: the change log lists {bundle['record']} {len(entries)} times")
        entry = entries[0]
        for name in ("before", "after", "reason", "change", "date"):
            claimed = item["value"] if name == "after" else item.get(name)
            if entry[name] != claimed:
                raise Invalid(f"v{item['version']}: {name} is not what the signed change log says")
        return f"v{item['version']}: {entry['change']} on {entry['date']} ({entry['reason']}), signed by key {manifest['key_id']}"
    if item["source"] == "document":
        listed = [f for f in manifest["files"] if f["name"] == item["document"] and f["kind"] == "document"]
        if not listed or listed[0]["sha256"] != digest or listed[0]["size"] != len(data):
            raise Invalid(f"v{item['version']}: {item['document']} is not the document the manifest lists")
        found = [record for record in json.loads(data)[LIST_FIELDS[kind]] if record.get("id") == record_id]
        if found != [item["value"]]:
            raise Invalid(f"v{item['version']}: {item['document']} does not hold that value of {record_id}")
        return f"v{item['version']}: published in {item['document']}, signed by key {manifest['key_id']}"
    raise Invalid(f"v{item['version']}: unknown source {item['source']!r}")


def main(argv):
    with open(argv[0], "rb") as file:
        bundle = json.loads(file.read())
    keys = dict(load_key(path) for path in argv[1:])
    if bundle.get("format") != 1 or not bundle.get("versions"):
        print("not a format-1 bundle with versions")
        return 1
    try:
        for item in bundle["versions"]:
            print(check_version(bundle, item, keys))
    except (Invalid, KeyError, ValueError) as exc:
        print(f"INVALID: {exc}")
        return 1
    print(f"OK: {len(bundle['versions'])} versions of {bundle['record']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
