#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A tiny xenstored stand-in for the agent's tests.

Listens on a unix socket (point libxenstore at it with XENSTORED_PATH),
answers the requests a guest agent makes (READ, WRITE, RM, MKDIR,
DIRECTORY, GET_DOMAIN_PATH, WATCH, UNWATCH) from an in-memory tree,
resolves relative paths below /local/domain/0 as xenstored does for a dom0
socket client, and appends one line per mutation to a log: "WRITE <path>
<value>" or "RM <path>".  Watches fire once when set and then on every
write or rm at or below their path (or above it, for rm), with the path
relative when the watch was set relative, as xenstored does.  No
transactions or permissions: the agent uses none.

As a client (to play dom0 in tests): mock-xenstored.py --write SOCKET PATH
VALUE, or --rm SOCKET PATH.

usage: mock-xenstored.py SOCKET LOG
"""
import os
import selectors
import signal
import socket
import struct
import sys

XS_DIRECTORY, XS_READ, XS_WATCH, XS_UNWATCH = 1, 2, 4, 5
XS_GET_DOMAIN_PATH = 10
XS_WRITE, XS_MKDIR, XS_RM, XS_WATCH_EVENT, XS_ERROR = 11, 12, 13, 15, 16
HDR = struct.Struct("=IIII")  # type, req_id, tx_id, len (host order)
HOME = "/local/domain/0"


def client(argv):
    """--write SOCKET PATH VALUE | --rm SOCKET PATH: one request."""
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(argv[1])
    if argv[0] == "--write":
        kind, body = XS_WRITE, argv[2].encode() + b"\0" + argv[3].encode()
    else:
        kind, body = XS_RM, argv[2].encode() + b"\0"
    c.sendall(HDR.pack(kind, 1, 0, len(body)) + body)
    reply = b""
    while len(reply) < HDR.size or \
            len(reply) < HDR.size + HDR.unpack_from(reply)[3]:
        chunk = c.recv(4096)
        if not chunk:
            return 1
        reply += chunk
    rkind = HDR.unpack_from(reply)[0]
    c.close()
    return 0 if rkind == kind else 1


def main():
    if sys.argv[1] in ("--write", "--rm"):
        sys.exit(client(sys.argv[1:]))
    sock_path, log_path = sys.argv[1], sys.argv[2]
    tree = {}
    log = open(log_path, "a", buffering=1)
    if os.path.exists(sock_path):
        os.unlink(sock_path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(sock_path)
    srv.listen(8)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sel = selectors.DefaultSelector()
    sel.register(srv, selectors.EVENT_READ)
    bufs = {}
    watches = []  # (conn, path as given, absolute path, token)

    def absolute(path):
        return path if path.startswith("/") else HOME + "/" + path

    def below(p, top):
        return p == top or p.startswith(top + "/")

    def event(conn, given, token):
        body = given.encode() + b"\0" + token + b"\0"
        conn.sendall(HDR.pack(XS_WATCH_EVENT, 0, 0, len(body)) + body)

    def fire(path, removed):
        for conn, given, wabs, token in list(watches):
            if below(path, wabs) or (removed and below(wabs, path)):
                rel = path[len(HOME) + 1:] if not given.startswith("/") \
                    else path
                try:
                    event(conn, rel if below(path, wabs) else given, token)
                except OSError:
                    pass

    def handle(conn, kind, payload):
        parts = payload.split(b"\0")
        path = absolute(parts[0].decode())
        if kind == XS_WRITE:
            value = payload[len(parts[0]) + 1:]
            tree[path] = value
            log.write("WRITE %s %s\n" % (path, value.decode(errors="replace")))
            return kind, b"OK\0", lambda: fire(path, False)
        if kind == XS_MKDIR:
            tree.setdefault(path, b"")
            return kind, b"OK\0", None
        if kind == XS_RM:
            gone = [p for p in tree if p == path or p.startswith(path + "/")]
            for p in gone:
                del tree[p]
            log.write("RM %s\n" % path)
            return kind, b"OK\0", lambda: fire(path, True)
        if kind == XS_WATCH:
            given, token = parts[0].decode(), parts[1]
            watches.append((conn, given, path, token))
            # xenstored fires a new watch once, after the reply
            return kind, b"OK\0", lambda: event(conn, given, token)
        if kind == XS_UNWATCH:
            watches[:] = [w for w in watches
                          if not (w[0] is conn and w[1] == parts[0].decode())]
            return kind, b"OK\0", None
        if kind == XS_READ:
            if path not in tree:
                return XS_ERROR, b"ENOENT\0", None
            return kind, tree[path], None
        if kind == XS_DIRECTORY:
            kids = sorted({p[len(path) + 1:].split("/")[0] for p in tree
                           if p.startswith(path + "/")})
            return kind, b"".join(k.encode() + b"\0" for k in kids), None
        if kind == XS_GET_DOMAIN_PATH:
            return kind, ("/local/domain/%s\0" % parts[0].decode()).encode(), \
                None
        return XS_ERROR, b"ENOSYS\0", None

    while True:
        for key, _ in sel.select():
            if key.fileobj is srv:
                conn, _ = srv.accept()
                bufs[conn] = b""
                sel.register(conn, selectors.EVENT_READ)
                continue
            conn = key.fileobj
            try:
                data = conn.recv(65536)
            except OSError:
                data = b""
            if not data:
                sel.unregister(conn)
                del bufs[conn]
                watches[:] = [w for w in watches if w[0] is not conn]
                conn.close()
                continue
            bufs[conn] += data
            while len(bufs[conn]) >= HDR.size:
                kind, req, tx, n = HDR.unpack_from(bufs[conn])
                if len(bufs[conn]) < HDR.size + n:
                    break
                payload = bufs[conn][HDR.size:HDR.size + n]
                bufs[conn] = bufs[conn][HDR.size + n:]
                rkind, body, after = handle(conn, kind, payload)
                conn.sendall(HDR.pack(rkind, req, tx, len(body)) + body)
                if after is not None:
                    after()


if __name__ == "__main__":
    main()
