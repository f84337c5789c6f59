"""The asynchat echo client of PyMOTW's asynchat page: sends ECHO <len> and the message through a
producer in 64-byte chunks, expects a copy back. Exit 0 if it matches.

usage: echo_client.py PORT LENGTH
"""
import asynchat
import asyncore
import socket
import sys


class EchoClient(asynchat.async_chat):
    def __init__(self, port, message):
        asynchat.async_chat.__init__(self)
        self.message = message
        self.received = []
        self.matched = False
        self.create_socket(socket.AF_INET, socket.SOCK_STREAM)
        self.connect(("127.0.0.1", port))

    def handle_connect(self):
        self.push(b"ECHO %d\n" % len(self.message))
        self.push_with_producer(asynchat.simple_producer(self.message, buffer_size=64))
        # A count of 0 means "no terminator" to asynchat: expect EOF instead.
        self.set_terminator(len(self.message) or None)

    def collect_incoming_data(self, data):
        self.received.append(data)

    def found_terminator(self):
        self.matched = b"".join(self.received) == self.message
        self.close()

    def handle_close(self):
        if not self.message:
            self.matched = not self.received
        self.close()


port, length = int(sys.argv[1]), int(sys.argv[2])
message = bytes((i * 7) % 251 for i in range(length))
client = EchoClient(port, message)
asyncore.loop(timeout=0.1, count=20000)
sys.exit(0 if client.matched else 1)
