#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A tiny xenstored stand-in for the agent's tests.

Listens on a unix socket (point libxenstore at it with XENSTORED_PATH),
answers the requests a guest agent makes (READ, WRITE, RM, MKDIR,
DIRECTORY, GET_DOMAIN_PATH) from an in-memory tree, resolves relative paths
below /local/domain/0 as xenstored does for a dom0 socket client, and
appends one line per mutation to a log: "WRITE <path> <value>" or
"RM <path>".  No watches, transactions or permissions: the agent uses none.

usage: mock-xenstored.py SOCKET LOG
"""
import os
import selectors
import signal
import socket
import struct
import sys

XS_DIRECTORY, XS_READ, XS_GET_DOMAIN_PATH = 1, 2, 10
XS_WRITE, XS_MKDIR, XS_RM, XS_ERROR = 11, 12, 13, 16
HDR = struct.Struct("=IIII")  # type, req_id, tx_id, len (host order)
HOME = "/local/domain/0"


def main():
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

    def absolute(path):
        return path if path.startswith("/") else HOME + "/" + path

    def handle(kind, payload):
        parts = payload.split(b"\0")
        path = absolute(parts[0].decode())
        if kind == XS_WRITE:
            value = payload[len(parts[0]) + 1:]
            tree[path] = value
            log.write("WRITE %s %s\n" % (path, value.decode(errors="replace")))
            return kind, b"OK\0"
        if kind == XS_MKDIR:
            tree.setdefault(path, b"")
            return kind, b"OK\0"
        if kind == XS_RM:
            gone = [p for p in tree if p == path or p.startswith(path + "/")]
            for p in gone:
                del tree[p]
            log.write("RM %s\n" % path)
            return kind, b"OK\0"
        if kind == XS_READ:
            if path not in tree:
                return XS_ERROR, b"ENOENT\0"
            return kind, tree[path]
        if kind == XS_DIRECTORY:
            kids = sorted({p[len(path) + 1:].split("/")[0] for p in tree
                           if p.startswith(path + "/")})
            return kind, b"".join(k.encode() + b"\0" for k in kids)
        if kind == XS_GET_DOMAIN_PATH:
            return kind, ("/local/domain/%s\0" % parts[0].decode()).encode()
        return XS_ERROR, b"ENOSYS\0"

    while True:
        for key, _ in sel.select():
            if key.fileobj is srv:
                conn, _ = srv.accept()
                bufs[conn] = b""
                sel.register(conn, selectors.EVENT_READ)
                continue
            conn = key.fileobj
            data = conn.recv(65536)
            if not data:
                sel.unregister(conn)
                del bufs[conn]
                conn.close()
                continue
            bufs[conn] += data
            while len(bufs[conn]) >= HDR.size:
                kind, req, tx, n = HDR.unpack_from(bufs[conn])
                if len(bufs[conn]) < HDR.size + n:
                    break
                payload = bufs[conn][HDR.size:HDR.size + n]
                bufs[conn] = bufs[conn][HDR.size + n:]
                rkind, body = handle(kind, payload)
                conn.sendall(HDR.pack(rkind, req, tx, len(body)) + body)


if __name__ == "__main__":
    main()
