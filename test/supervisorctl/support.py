"""Shared by the supervisorctl compatibility tests (SPEC §11): start wardend
or Debian's supervisord on a config, run the real supervisorctl against
it, talk XML-RPC with supervisor's own transport. Every wait has a
deadline; nothing sleeps as synchronisation."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import xmlrpc.client

from supervisor.xmlrpc import SupervisorTransport

WARDEND = os.path.abspath(os.environ["WARDEND"]) if os.environ.get("WARDEND") else ""
SUPERVISORCTL = shutil.which("supervisorctl") or "/usr/bin/supervisorctl"
SUPERVISORD = shutil.which("supervisord") or "/usr/bin/supervisord"
DEADLINE = 30.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout=DEADLINE, what="condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out after %gs waiting for %s" % (timeout, what))


class Daemon:
    """One supervisor (wardend or supervisord) on a config made from
    `template`: {dir} is its own temp dir, {port} a free port."""

    def __init__(self, kind, template, **extra):
        self.kind = kind
        self.dir = tempfile.mkdtemp(prefix="wsc-%s-" % kind)
        self.port = free_port()
        self.config = os.path.join(self.dir, "supervisord.conf")
        self.values = dict(dir=self.dir, port=self.port, **extra)
        self.write_config(template)
        self.log = open(os.path.join(self.dir, "daemon.out"), "wb")
        if kind == "wardend":
            argv = [WARDEND, "-c", self.config]
        else:
            argv = [SUPERVISORD, "-n", "-c", self.config]
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=self.dir)
        self.socket = os.path.join(self.dir, "http.sock")
        try:
            wait_until(lambda: self.ready(), what="%s to answer on %s" % (kind, self.socket))
        except BaseException:
            self.stop()
            raise

    def write_config(self, template):
        with open(self.config, "w") as f:
            f.write(template.format(**self.values))

    def ready(self):
        if self.proc.poll() is not None:
            raise AssertionError("%s exited with %s:\n%s" % (self.kind, self.proc.returncode, self.output()))
        proxy = self.rpc()
        try:
            return proxy.supervisor.getState()["statecode"] == 1
        except (OSError, xmlrpc.client.Error):
            return False
        finally:
            proxy("close")()

    def rpc(self, url=None, username=None, password=None):
        url = url or "unix://" + self.socket
        return xmlrpc.client.ServerProxy(
            "http://127.0.0.1", transport=SupervisorTransport(username, password, url))

    def ctl(self, *args, timeout=DEADLINE):
        r = subprocess.run([SUPERVISORCTL, "-c", self.config] + list(args), capture_output=True,
                           text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        return r.returncode, r.stdout + r.stderr

    def output(self):
        self.log.flush()
        with open(os.path.join(self.dir, "daemon.out"), errors="replace") as f:
            return f.read()

    def wait_state(self, name, state):
        def check():
            try:
                return self.rpc().supervisor.getProcessInfo(name)["statename"] == state
            except (OSError, xmlrpc.client.Error):
                return False
        wait_until(check, what="%s to be %s" % (name, state))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=DEADLINE)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def normalize(text, daemon):
    """What differs between two runs and two daemons without meaning:
    pids, uptimes, dates, the temp dir, the version."""
    text = text.replace(daemon.dir, "DIR")
    text = re.sub(r"pid \d+, uptime \d+:\d\d:\d\d", "pid N, uptime T", text)
    text = re.sub(r"[A-Z][a-z]{2} \d\d \d\d:\d\d [AP]M", "DATE", text)
    text = re.sub(r"^\d+$", "N", text, flags=re.M)
    return text


def require_wardend():
    if not WARDEND or not os.access(WARDEND, os.X_OK):
        sys.exit("set WARDEND to the wardend binary")
