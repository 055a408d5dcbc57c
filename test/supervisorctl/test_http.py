"""The HTTP side of supervisord's front door (SPEC §11): the Unix socket's
mode and owner, basic auth with {SHA} passwords, live log tails, and bad
input — none of which may disturb the daemon or its children."""

import base64
import grp
import hashlib
import http.client
import os
import pwd
import socket
import stat
import subprocess
import time
import unittest
import xmlrpc.client

from support import SUPERVISORCTL, Daemon, require_wardend, wait_until

CONFIG = """
[unix_http_server]
file={dir}/http.sock
{unix_extra}

[inet_http_server]
port=127.0.0.1:{port}
username=admin
password={{SHA}}{sha}

[supervisord]
logfile={dir}/main.log
socket={dir}/ctl.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{dir}/http.sock

[program:ticker]
command=/bin/sh -c 'while true; do echo tick; sleep 0.2; done'
startsecs=0

[program:flood]
command=/bin/sh -c 'while true; do cat /usr/share/common-licenses/GPL-3; done'
startsecs=0
autostart=false
stdout_logfile_maxbytes=1MB
"""

SHA = hashlib.sha1(b"s3cret").hexdigest()


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=30):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


def basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()}


def rpc_body(method, *params):
    return xmlrpc.client.dumps(params, method)


class Http(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_wardend()
        cls.d = Daemon("wardend", CONFIG, sha=SHA, unix_extra="")
        cls.d.wait_state("ticker", "RUNNING")

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()

    def post(self, body, headers=None, conn=None):
        conn = conn or UnixConnection(self.d.socket)
        conn.request("POST", "/RPC2", body, dict({"Content-Type": "text/xml"}, **(headers or {})))
        r = conn.getresponse()
        return r.status, r.read()

    def inet(self):
        return http.client.HTTPConnection("127.0.0.1", self.d.port, timeout=30)

    def still_fine(self, pid):
        p = self.d.rpc().supervisor
        self.assertEqual(p.getState()["statecode"], 1)
        self.assertEqual(p.getProcessInfo("ticker")["pid"], pid)

    # --- security ---------------------------------------------------------------------

    def test_unix_socket_mode_is_0700_by_default(self):
        st = os.stat(self.d.socket)
        self.assertTrue(stat.S_ISSOCK(st.st_mode))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o700)
        self.assertEqual(st.st_uid, os.geteuid())

    def test_unix_socket_chmod_and_chown(self):
        nobody = pwd.getpwnam("nobody")
        group = grp.getgrgid(nobody.pw_gid).gr_name
        d = Daemon("wardend", CONFIG, sha=SHA, unix_extra="chmod=0660\nchown=nobody:%s" % group)
        try:
            st = os.stat(d.socket)
            self.assertEqual(stat.S_IMODE(st.st_mode), 0o660)
            self.assertEqual((st.st_uid, st.st_gid), (nobody.pw_uid, nobody.pw_gid))
        finally:
            d.stop()

    def test_inet_needs_the_password(self):
        for headers in ({}, basic("admin", "wrong"), basic("root", "s3cret"), {"Authorization": "Basic !!!"}):
            status, _ = self.post(rpc_body("supervisor.getState"), headers, conn=self.inet())
            self.assertEqual(status, 401, headers)
        conn = self.inet()
        conn.request("GET", "/logtail/ticker")
        r = conn.getresponse()
        self.assertEqual(r.status, 401)
        self.assertEqual(r.getheader("WWW-Authenticate"), 'Basic realm="default"')
        status, body = self.post(rpc_body("supervisor.getState"), basic("admin", "s3cret"), conn=self.inet())
        self.assertEqual(status, 200)
        self.assertEqual(xmlrpc.client.loads(body)[0][0]["statename"], "RUNNING")

    def test_supervisorctl_over_inet(self):
        url = "http://127.0.0.1:%d" % self.d.port
        base = [SUPERVISORCTL, "-c", self.d.config, "-s", url]
        r = subprocess.run(base + ["status", "ticker"], capture_output=True, text=True, timeout=30)
        # supervisorctl says so, then (as against supervisord) shows the 401 it retried into.
        self.assertTrue(r.stdout.startswith("Server requires authentication\n"), r.stdout)
        self.assertEqual(r.returncode, 1)
        r = subprocess.run(base + ["-u", "admin", "-p", "s3cret", "status", "ticker"], capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"^ticker\s+RUNNING\s+pid \d+, uptime ")

    # --- log tails --------------------------------------------------------------------

    def test_logtail_streams(self):
        conn = UnixConnection(self.d.socket)
        conn.request("GET", "/logtail/ticker")
        r = conn.getresponse()
        self.assertEqual(r.status, 200)
        self.assertEqual(r.getheader("Transfer-Encoding"), "chunked")
        seen = b""
        end = time.monotonic() + 30
        while seen.count(b"tick") < 3 and time.monotonic() < end:
            seen += r.read1(4096)
        self.assertGreaterEqual(seen.count(b"tick"), 3)
        conn.close()
        for path in ("/logtail/nosuch", "/logtail/ticker/stdboth", "/logtail/nosuch:ticker"):
            conn = UnixConnection(self.d.socket)
            conn.request("GET", path)
            self.assertEqual(conn.getresponse().status, 404, path)

    def test_supervisorctl_tail_f_and_maintail_f(self):
        for args, marker in ((["tail", "-f", "ticker"], "tick"), (["maintail", "-f"], "INFO")):
            p = subprocess.Popen([SUPERVISORCTL, "-c", self.d.config] + args, stdout=subprocess.PIPE, text=True)
            try:
                lines = []
                end = time.monotonic() + 30
                while time.monotonic() < end:
                    line = p.stdout.readline()
                    lines.append(line)
                    if marker in line and len(lines) > 1:
                        break
                self.assertIn("==> Press Ctrl-C to exit <==", lines[0])
                self.assertTrue(any(marker in l for l in lines[1:]), lines)
            finally:
                p.kill()
                p.wait()
        # Some activity for maintail came from the requests themselves.

    def test_a_client_that_stops_reading_is_dropped(self):
        p = self.d.rpc().supervisor
        pid = p.getProcessInfo("ticker")["pid"]
        p.startProcess("flood")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(self.d.socket)
        s.sendall(b"GET /logtail/flood HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            wait_until(lambda: "dropping the client" in open(os.path.join(self.d.dir, "main.log")).read(),
                       what="the slow client to be dropped")
        finally:
            s.close()
            p.stopProcess("flood")
        self.still_fine(pid)

    # --- bad input --------------------------------------------------------------------

    def test_bad_requests_get_http_errors(self):
        pid = self.d.rpc().supervisor.getProcessInfo("ticker")["pid"]
        cases = [
            (b"<methodCall><methodName>x</methodName>", 400),           # not well-formed
            (b"not xml at all", 400),
            (b"<methodCall><params/></methodCall>", 400),               # no method name
            (b"<methodCall><methodName>supervisor.getState</methodName><params><param><value>"
             + b"<array><data><value>" * 200 + b"</value></data></array>" * 200
             + b"</value></param></params></methodCall>", 400),         # nested too deep
            (b"<methodCall><methodName>supervisor.getState</methodName><params><param><value><int>x</int>"
             b"</value></param></params></methodCall>", 400),           # not an int
            (b"x" * (1024 * 1024 + 1), 413),                             # over 1 MiB
        ]
        for body, status in cases:
            got, _ = self.post(body)
            self.assertEqual(got, status, body[:80])
        # An external entity is never fetched: the name stays "&e;", an unknown method.
        status, body = self.post(b"<!DOCTYPE a [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><methodCall>"
                                 b"<methodName>&e;</methodName></methodCall>")
        self.assertEqual(status, 200)
        self.assertNotIn(b"root:", body)
        with self.assertRaises(xmlrpc.client.Fault) as ctx:
            xmlrpc.client.loads(body)
        self.assertEqual(ctx.exception.faultCode, 1)
        conn = UnixConnection(self.d.socket)
        conn.request("GET", "/RPC2")
        self.assertEqual(conn.getresponse().status, 400)
        conn = UnixConnection(self.d.socket)
        conn.request("GET", "/nothing/here")
        self.assertEqual(conn.getresponse().status, 404)
        s = socket.create_connection(("127.0.0.1", self.d.port))
        s.sendall(b"GARBAGE\r\n\r\n")
        self.assertIn(b"400", s.recv(100))
        s.close()
        self.still_fine(pid)

    def test_a_big_but_allowed_body_is_served(self):
        body = rpc_body("system.methodHelp", "x" * (900 * 1024))
        status, data = self.post(body)
        self.assertEqual(status, 200)
        with self.assertRaises(xmlrpc.client.Fault):
            xmlrpc.client.loads(data)

    def test_keep_alive(self):
        conn = UnixConnection(self.d.socket)
        for _ in range(5):
            status, body = self.post(rpc_body("supervisor.getPID"), conn=conn)
            self.assertEqual(status, 200)
            self.assertEqual(xmlrpc.client.loads(body)[0][0], self.d.proc.pid)

    def test_thousands_of_connections(self):
        pid = self.d.rpc().supervisor.getProcessInfo("ticker")["pid"]
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
        socks = []
        try:
            for _ in range(2000):
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.settimeout(5)
                try:
                    s.connect(("127.0.0.1", self.d.port))
                except OSError:
                    s.close()
                    continue
                socks.append(s)
            self.assertGreater(len(socks), 1000)
            # The daemon goes on serving the ones it took, and the Unix socket.
            self.still_fine(pid)
        finally:
            for s in socks:
                s.close()
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        wait_until(lambda: self.post(rpc_body("supervisor.getPID"), basic("admin", "s3cret"),
                                     conn=self.inet())[0] == 200, what="inet to answer again")
        self.still_fine(pid)


if __name__ == "__main__":
    unittest.main(verbosity=2)
