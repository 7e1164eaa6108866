#!/usr/bin/env python3
"""Parses RFC 5322 messages with Python's email package (an independent MIME
parser) and prints what the campaign tests check, as one JSON document:
  {"FILE": {"headers": {name: [decoded values]}, "defects": [...],
            "parts": [{"content_type", "charset", "filename", "text"}]}}
Usage: parse_mime.py FILE... (each a message; a directory: every file in it)."""
import email
import email.policy
import json
import os
import sys


def parse(path):
    with open(path, 'rb') as f:
        message = email.message_from_binary_file(f, policy=email.policy.default)
    headers = {}
    for name, value in message.items():
        headers.setdefault(name.lower(), []).append(str(value))
    parts = []
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b''
        charset = part.get_content_charset() or 'utf-8'
        parts.append({'content_type': part.get_content_type(), 'charset': charset,
                      'filename': part.get_filename(), 'text': payload.decode(charset)})
    defects = [type(d).__name__ for d in message.defects]
    return {'headers': headers, 'defects': defects, 'parts': parts}


def main():
    out = {}
    for arg in sys.argv[1:]:
        paths = [os.path.join(arg, n) for n in sorted(os.listdir(arg))] if os.path.isdir(arg) else [arg]
        for path in paths:
            out[path] = parse(path)
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
