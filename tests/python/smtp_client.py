"""Python's smtplib against examples/smtp_server.rs: `smtp_client.py PORT SCENARIO`.

Exits 0 when the scenario's replies are as expected; the Rust test
(tests/smtp.rs) then checks what the server spooled."""
import smtplib
import sys

port, scenario = int(sys.argv[1]), sys.argv[2]


def connect():
    return smtplib.SMTP("127.0.0.1", port, timeout=30)


if scenario == "two_recipients":
    with connect() as s:
        refused = s.sendmail("a@example.org", ["b@example.org", "c@example.org"],
                             b"Subject: hi\r\n\r\nHello, two.\r\n")
        assert refused == {}, refused
elif scenario == "dots":
    with connect() as s:
        s.sendmail("a@example.org", ["b@example.org"],
                   b"Subject: dots\r\n\r\n.leading\r\n.\r\n..two\r\nend")
elif scenario == "big":
    line = b"x" * 998 + b"\r\n"
    with connect() as s:
        s.sendmail("a@example.org", ["b@example.org"],
                   b"Subject: big\r\n\r\n" + line * 1000)
elif scenario == "oversized_data_then_noop":
    # The server runs with a 1000-byte maximum. MAIL without SIZE, so that the
    # message is refused at its end (552), not up front.
    with connect() as s:
        s.ehlo()
        assert s.mail("a@example.org")[0] == 250
        assert s.rcpt("b@example.org")[0] == 250
        # smtplib's data() returns the final reply instead of raising.
        reply = s.data(b"Subject: too big\r\n\r\n" + b"y" * 5000 + b"\r\nmore\r\n")
        assert reply == (552, b"Error: Too much mail data"), reply
        assert s.noop() == (250, b"OK")
        s.sendmail("a@example.org", ["b@example.org"], b"Subject: small\r\n\r\nfits\r\n")
elif scenario == "long_command":
    with connect() as s:
        s.ehlo()
        assert s.docmd("NOOP", "x" * 600) == (500, b"Error: line too long")
        assert s.noop() == (250, b"OK")
        assert s.docmd("FROB") == (500, b'Error: command "FROB" not recognized')
        s.sendmail("a@example.org", ["b@example.org"], b"Subject: after\r\n\r\nok\r\n")
else:
    raise SystemExit(f"unknown scenario {scenario}")
