#!/usr/bin/env python3
"""An unreliable HTTP proxy in front of a registry, for retry tests.

The first GET of each manifest answers 503 (Retry-After: 0); the first GET of
each blob sends the real headers but only half of the body, then drops the
connection. Everything else is forwarded as is. One log line per request.

usage: flaky-proxy.py PORT UPSTREAM_PORT LOG
"""
import http.client
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, upstream, logpath = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
seen = set()


def log(line):
    with open(logpath, "a") as f:
        f.write(line + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        first = self.path not in seen
        seen.add(self.path)
        rng = self.headers.get("Range")
        log("GET %s range=%s" % (self.path, rng))
        if first and "/manifests/" in self.path:
            self.send_response(503)
            self.send_header("Retry-After", "0")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        c = http.client.HTTPConnection("127.0.0.1", upstream)
        hdrs = {k: v for k, v in self.headers.items() if k.lower() in ("accept", "range", "authorization")}
        c.request("GET", self.path, headers=hdrs)
        r = c.getresponse()
        body = r.read()
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "date", "server"):
                self.send_header(k, v)
        self.send_header("Connection", "close")
        self.end_headers()
        if first and "/blobs/" in self.path and len(body) > 1000:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)


ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
