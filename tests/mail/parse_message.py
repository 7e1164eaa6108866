#!/usr/bin/python3
"""Reads a message with python's email package (an independent MIME parser)
and prints what a mail client would show, as JSON: decoded headers, the
text/plain body, attachments, every header name and the parser's defects.

    parse_message.py FILE.eml
"""
import base64
import email
import email.policy
import json
import sys


def summarize(raw: bytes) -> dict:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    out = {"header_names": list(msg.keys()), "defects": []}
    for part in msg.walk():
        out["defects"] += [type(d).__name__ for d in part.defects]
    for name in ("subject", "message-id", "date", "mime-version", "auto-submitted", "x-fumidai-campaign",
                 "x-fumidai-note"):
        out[name] = str(msg[name]) if msg[name] is not None else None
    for name in ("from", "to"):
        header = msg[name]
        address = header.addresses[0] if header is not None and header.addresses else None
        out[name] = {"display_name": address.display_name, "addr_spec": address.addr_spec} if address else None
    body = msg.get_body(preferencelist=("plain",))
    out["text"] = body.get_content().replace("\r\n", "\n") if body is not None else None
    out["attachments"] = [{
        "filename": part.get_filename(),
        "content_type": part.get_content_type(),
        "data_b64": base64.b64encode(part.get_payload(decode=True)).decode("ascii"),
    } for part in msg.iter_attachments()]
    return out


if __name__ == "__main__":
    with open(sys.argv[1], "rb") as f:
        print(json.dumps(summarize(f.read()), ensure_ascii=False))
