"""The asynchat echo server of PyMOTW's asynchat page: one connection, then exit. Prints its port."""
import asynchat
import asyncore
import socket
import sys


class EchoHandler(asynchat.async_chat):
    def __init__(self, sock):
        asynchat.async_chat.__init__(self, sock)
        self.received = []
        self.process = self.process_command
        self.set_terminator(b"\n")

    def collect_incoming_data(self, data):
        self.received.append(data)

    def found_terminator(self):
        self.process()

    def process_command(self):
        command = b"".join(self.received)
        self.received = []
        length = int(command.split(b" ")[1])
        self.process = self.process_message
        # asynchat treats 0 as "no terminator"; answer an empty message at once.
        if length == 0:
            self.process_message()
        else:
            self.set_terminator(length)

    def process_message(self):
        self.push(b"".join(self.received))
        self.received = []
        self.close_when_done()


class EchoServer(asyncore.dispatcher):
    def __init__(self):
        asyncore.dispatcher.__init__(self)
        self.create_socket(socket.AF_INET, socket.SOCK_STREAM)
        self.bind(("127.0.0.1", 0))
        self.listen(1)
        self.handler = None

    def handle_accept(self):
        sock, _ = self.accept()
        self.handler = EchoHandler(sock)
        self.close()


server = EchoServer()
print(server.socket.getsockname()[1], flush=True)
asyncore.loop(timeout=0.1, count=20000)
sys.exit(0)
