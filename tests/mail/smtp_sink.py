#!/usr/bin/python3
"""An SMTP sink for the mail tests: Debian's aiosmtpd on 127.0.0.1, an
ephemeral port (printed on stdout once listening), each accepted message
saved as NNNN.eml with NNNN.json beside it (envelope, TLS and AUTH state, and
parse_message.summarize() of the bytes).

    smtp_sink.py --dir DIR [--tls-cert CERT --tls-key KEY] [--auth USER:PASSWORD [--login-only]]
                 [--reject-550 ADDR] [--reject-451 ADDR] [--slow SECONDS] [--idle-timeout SECONDS]

--tls-cert/--tls-key offer STARTTLS. --auth requires AUTH (PLAIN or LOGIN,
only after STARTTLS; --login-only offers LOGIN alone). --reject-550 and
--reject-451 refuse RCPT TO for that address. --slow sleeps that long before
answering MAIL FROM. --idle-timeout closes a connection idle that long (421),
as relays do.
Runs until killed.
"""
import argparse
import asyncio
import json
import logging
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from parse_message import summarize  # noqa: E402


class Handler:
    def __init__(self, args):
        self.args = args
        self.count = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.args.slow:
            await asyncio.sleep(self.args.slow)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 Ok"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.args.reject_550:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if address == self.args.reject_451:
            return f"451 4.3.0 <{address}>: Temporary lookup failure"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.args.dir, f"{self.count:04d}")
        raw = envelope.original_content
        with open(base + ".eml", "wb") as f:
            f.write(raw)
        summary = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "authenticated": bool(session.authenticated),
            "message": summarize(raw),
        }
        with open(base + ".json.tmp", "w") as f:
            json.dump(summary, f, ensure_ascii=False)
        os.rename(base + ".json.tmp", base + ".json")
        return f"250 2.0.0 Ok: queued as {self.count:04d}"


def main():
    # aiosmtpd 1.4 logs a warning about its own deprecated Session.login_data on every AUTH.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--auth")
    parser.add_argument("--login-only", action="store_true")
    parser.add_argument("--reject-550")
    parser.add_argument("--reject-451")
    parser.add_argument("--slow", type=float, default=0)
    parser.add_argument("--idle-timeout", type=float, default=300)
    args = parser.parse_args()

    tls_context = None
    if args.tls_cert:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(args.tls_cert, args.tls_key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and args.auth is not None and \
            f"{auth_data.login.decode()}:{auth_data.password.decode()}" == args.auth
        return AuthResult(success=ok, handled=False)

    handler = Handler(args)

    def factory():
        return SMTP(handler, hostname="sink.test", tls_context=tls_context, require_starttls=False,
                    auth_required=args.auth is not None, auth_require_tls=True, timeout=args.idle_timeout,
                    auth_exclude_mechanism=["PLAIN"] if args.login_only else None,
                    authenticator=authenticator if args.auth else None)

    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(factory, host="127.0.0.1", port=0))
    print(server.sockets[0].getsockname()[1], flush=True)
    loop.run_forever()


if __name__ == "__main__":
    main()
