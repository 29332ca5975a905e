#!/usr/bin/env python3
"""A minimal registry token server (Docker token auth spec) for tests.

Issues RS256 JWTs signed with the openssl CLI (no third-party modules), with
the signing certificate in the x5c header so docker-registry can check it
against its rootcertbundle. Logs one line per request to --log.

usage: token-server.py --key K --cert C --port P --issuer I --service S
       [--user USER:PASS] [--refresh-token T] [--field token|access_token]
"""
import argparse
import base64
import json
import subprocess
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

ap = argparse.ArgumentParser()
ap.add_argument("--key", required=True)
ap.add_argument("--cert", required=True)
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--issuer", required=True)
ap.add_argument("--service", required=True)
ap.add_argument("--user", action="append", default=[])
ap.add_argument("--refresh-token")
ap.add_argument("--field", default="token")
ap.add_argument("--log", required=True)
args = ap.parse_args()


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


der = subprocess.run(["openssl", "x509", "-in", args.cert, "-outform", "DER"],
                     check=True, capture_output=True).stdout


def sign(claims):
    header = {"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(der).decode()]}
    signing_input = (b64url(json.dumps(header).encode()) + "." +
                     b64url(json.dumps(claims).encode())).encode()
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", args.key],
                         input=signing_input, check=True, capture_output=True).stdout
    return signing_input.decode() + "." + b64url(sig)


def log(line):
    with open(args.log, "a") as f:
        f.write(line + "\n")


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def issue(self, who, service, scopes):
        access = []
        for sc in scopes:
            parts = sc.split(":")
            if len(parts) >= 3 and parts[0] == "repository":
                access.append({"type": "repository", "name": ":".join(parts[1:-1]),
                               "actions": parts[-1].split(",")})
        now = int(time.time())
        claims = {"iss": args.issuer, "sub": who, "aud": service, "exp": now + 600,
                  "nbf": now - 10, "iat": now, "jti": str(uuid.uuid4()), "access": access}
        # the user "oauth" gets the OAuth2 field name, everyone else --field
        field = "access_token" if who == "oauth" else args.field
        self.reply(200, {field: sign(claims), "expires_in": 600})

    def do_GET(self):
        q = parse_qs(urlparse(self.path).query)
        scopes = q.get("scope", [])
        who = "anonymous"
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            try:
                up = base64.b64decode(auth[6:], validate=True).decode()
            except Exception:
                up = ""
            if up not in args.user:
                log("GET denied")
                return self.reply(401, {"details": "bad credentials"})
            who = up.split(":", 1)[0]
        elif args.user:
            log("GET anonymous denied")
            return self.reply(401, {"details": "credentials required"})
        log("GET user=%s service=%s scope=%s" % (who, q.get("service", [""])[0],
                                                 " ".join(scopes)))
        self.issue(who, q.get("service", [""])[0], scopes)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        form = parse_qs(self.rfile.read(n).decode())
        if form.get("grant_type") != ["refresh_token"] or \
                form.get("refresh_token") != [args.refresh_token or ""]:
            log("POST denied")
            return self.reply(401, {"details": "bad refresh token"})
        log("POST refresh scope=%s" % " ".join(form.get("scope", [])))
        self.issue("refresh", form.get("service", [""])[0], form.get("scope", []))


ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()
