"""A TCP proxy to PostgreSQL that loses a connection at the worst moment, for real."""

from __future__ import annotations

import select
import socket
import threading


class CuttingProxy:
    """A TCP proxy to PostgreSQL that, once, forwards a query containing ``trigger`` to the server,
    lets the server answer it (up to ReadyForQuery: the transaction is over), and then cuts the
    client off without passing the answer on: the write landed, and the client cannot know."""

    def __init__(self, target: tuple[str, int], trigger: bytes) -> None:
        self.target, self.trigger = target, trigger
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.cut = threading.Event()
        self.servers: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _addr = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.servers.append(server)
            threading.Thread(target=self._relay, args=(client, server), daemon=True).start()

    def _relay(self, client: socket.socket, server: socket.socket) -> None:
        """One thread per connection, so that the answer to swallow is never passed on by another."""
        swallowing, answer = False, b""
        try:
            while True:
                ready, _w, _x = select.select([client, server], [], [])
                if client in ready:
                    data = client.recv(65536)
                    if not data:
                        return
                    if not self.cut.is_set() and self.trigger in data:
                        self.cut.set()
                        swallowing = True
                    server.sendall(data)
                if server in ready:
                    data = server.recv(65536)
                    if not data:
                        return
                    if not swallowing:
                        client.sendall(data)
                        continue
                    answer += data
                    if b"Z\x00\x00\x00\x05" in answer:  # ReadyForQuery: committed, and the client never hears
                        return
        except OSError:
            pass
        finally:
            client.close()  # the server side stays open: its session lingers, as a real one would

    def close(self) -> None:
        self.listener.close()
        for server in self.servers:
            server.close()
