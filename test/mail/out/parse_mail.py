#!/usr/bin/env python3
"""Parses RFC 5322 messages with Python's email package and prints JSON: the decoded headers
the tests look at, every header name in order, and for each leaf part its type, charset,
disposition, file name, Content-ID, SHA-256 of the decoded body and, for text parts, the
decoded text. An independent second opinion beside mailparser.

Reads frames from stdin until EOF: a decimal byte count, a newline, that many bytes. Writes
one JSON line per frame."""
import email
import hashlib
import json
import sys
from email import policy


def describe(raw):
    msg = email.message_from_bytes(raw, policy=policy.default)

    headers = {}
    for name in ("subject", "from", "to", "cc", "reply-to", "message-id", "in-reply-to", "references", "date", "bcc"):
        values = msg.get_all(name)
        if values is not None:
            headers[name] = [str(v) for v in values]

    addresses = {}
    for name in ("from", "to", "cc", "reply-to"):
        h = msg.get(name)
        if h is not None:
            addresses[name] = [{"name": a.display_name, "address": a.addr_spec} for a in h.addresses]

    parts = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        body = part.get_payload(decode=True) or b""
        entry = {
            "content_type": part.get_content_type(),
            "charset": part.get_content_charset(),
            "disposition": part.get_content_disposition(),
            "filename": part.get_filename(),
            "content_id": part.get("content-id"),
            "sha256": hashlib.sha256(body).hexdigest(),
            "size": len(body),
        }
        if part.get_content_maintype() == "text":
            entry["text"] = part.get_content()
        parts.append(entry)

    return {
        "headers": headers,
        "addresses": addresses,
        "header_names": [k for k, _ in msg.raw_items()],
        "defects": [type(d).__name__ for d in msg.defects],
        "parts": parts,
    }


stdin = sys.stdin.buffer
while True:
    header = stdin.readline()
    if not header:
        break
    data = stdin.read(int(header))
    sys.stdout.write(json.dumps(describe(data)) + "\n")
    sys.stdout.flush()
