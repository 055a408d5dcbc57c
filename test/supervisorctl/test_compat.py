"""The real supervisorctl against wardend and against Debian's supervisord
on the same config, command by command: same output (pids, uptimes and
dates normalized), same exit code (SPEC §11)."""

import unittest

from support import Daemon, normalize, require_wardend, wait_until

CONFIG = """
[unix_http_server]
file={dir}/http.sock

[supervisord]
logfile={dir}/main.log
pidfile={dir}/supervisord.pid
childlogdir={dir}
socket={dir}/ctl.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{dir}/http.sock

[program:sleeper]
command=/bin/sh -c 'while true; do echo tick; sleep 1; done'
startsecs=1
stdout_logfile={dir}/sleeper.out
stderr_logfile={dir}/sleeper.err

[program:idle]
command={idle_command}
autostart=false
startsecs=0

[program:quick]
command=/bin/sh -c 'exit 1'
autostart=false
startsecs=1
startretries=0

[group:web]
programs=idle
{extra}
"""

EXTRA = """
[program:extra]
command=/bin/sleep 1001
startsecs=0
"""


def sorted_lines(text):
    return "\n".join(sorted(text.splitlines()))


class SupervisorctlCompat(unittest.TestCase):
    """Each step runs against both daemons; a difference fails with both outputs."""

    @classmethod
    def setUpClass(cls):
        require_wardend()
        cls.daemons = {}
        for kind in ("supervisord", "wardend"):
            cls.daemons[kind] = Daemon(kind, CONFIG, extra="", idle_command="/bin/sleep 1000")
        for d in cls.daemons.values():
            d.wait_state("sleeper", "RUNNING")

    @classmethod
    def tearDownClass(cls):
        for d in cls.daemons.values():
            d.stop()

    def same(self, *args, sort=False, check=None):
        results = {}
        for kind, d in self.daemons.items():
            rc, out = d.ctl(*args)
            out = normalize(out, d)
            results[kind] = (rc, sorted_lines(out) if sort else out)
        ref, got = results["supervisord"], results["wardend"]
        self.assertEqual(got, ref, "supervisorctl %s\n--- supervisord (rc %d):\n%s\n--- wardend (rc %d):\n%s"
                         % (" ".join(args), ref[0], ref[1], got[0], got[1]))
        if check:
            check(*got)
        return got

    def configure(self, **values):
        """Rewrite both config files from CONFIG with these values changed."""
        for d in self.daemons.values():
            d.values.update(values)
            d.write_config(CONFIG)

    def test_01_status(self):
        self.same("status")
        self.same("status", "sleeper")
        self.same("status", "web:*")
        self.same("status", "web:idle", "sleeper")
        self.same("status", "nosuch")
        self.same("status", "nosuch:*")

    def test_02_start_stop(self):
        self.same("start", "web:idle", check=lambda rc, out: self.assertEqual(out, "web:idle: started\n"))
        self.same("start", "web:idle")       # ERROR (already started)
        self.same("status")
        self.same("stop", "web:idle")
        self.same("stop", "web:idle")        # ERROR (not running)
        self.same("stop", "nosuch")
        self.same("start", "nosuch")
        self.same("start")                   # Error: start requires a process name
        self.same("start", "web:*")
        self.same("stop", "web:*")
        self.same("start", "quick")          # ERROR (spawn error): exited before startsecs
        self.same("status", "quick")
        self.same("restart", "sleeper")
        self.same("restart", "nosuch")

    def test_03_all(self):
        self.same("stop", "all", sort=True)
        self.same("start", "all", sort=True)
        self.same("status")
        self.same("restart", "all", sort=True)
        self.same("stop", "quick")

    def test_04_signal_pid(self):
        self.same("signal", "HUP", "sleeper")
        self.same("signal", "USR1", "web:*")
        self.same("signal", "FOO", "sleeper")
        self.same("signal", "HUP", "quick")    # not running
        self.same("signal", "HUP", "nosuch")
        self.same("signal", "HUP")
        self.same("pid", check=lambda rc, out: self.assertEqual(out, "N\n"))
        self.same("pid", "sleeper")
        self.same("pid", "quick")
        self.same("pid", "nosuch")
        self.same("pid", "all")

    def test_05_logs(self):
        for d in self.daemons.values():
            wait_until(lambda: "tick" in d.ctl("tail", "sleeper")[1], what="sleeper's output")
        self.same("tail", "-5", "sleeper", check=lambda rc, out: self.assertIn("tick", out))
        self.same("tail", "sleeper", "stderr")
        self.same("tail", "nosuch")
        self.same("tail", "sleeper", "stdboth")
        self.same("tail", "-x", "sleeper")
        self.same("clear", "sleeper")
        self.same("clear", "nosuch")
        self.same("clear")
        self.same("maintail", "-x")
        for d in self.daemons.values():
            rc, out = d.ctl("maintail", "-200")
            self.assertEqual(rc, 0, out)
            self.assertTrue(out.strip(), "maintail printed nothing")

    def test_06_config(self):
        self.same("avail")
        self.same("reread")                  # No config updates to processes
        self.same("update")
        self.configure(idle_command="/bin/sleep 1002", extra=EXTRA)
        self.same("reread", sort=True)       # extra: available, web: changed
        self.same("avail")
        self.same("update", "web")
        self.same("avail")
        self.same("add", "extra")
        self.same("status", "extra")
        self.same("add", "extra")            # ERROR: process group already active
        self.same("add", "nosuch")
        self.same("remove", "extra")         # still running
        self.same("stop", "extra")
        self.same("remove", "extra")
        self.same("remove", "extra")         # no such process/group
        self.same("update")
        self.same("status", sort=True)
        self.configure(extra="")
        self.same("update", sort=True)       # extra: stopped, removed process group
        self.same("status", sort=True)
        for d in self.daemons.values():
            with open(d.config, "a") as f:
                f.write("\n[program:broken]\ncommand=/bin/true\nnumprocs=two\n")
        for kind, d in self.daemons.items():
            rc, out = d.ctl("reread")
            self.assertEqual(rc, 1, kind + ": " + out)
            self.assertTrue(out.startswith("ERROR: CANT_REREAD: "), kind + ": " + out)
        self.configure(extra="")

    def test_07_version_and_unknown(self):
        for d in self.daemons.values():
            rc, out = d.ctl("version")
            self.assertEqual(rc, 0, out)
            self.assertRegex(out, r"^\d+\.\d+")
        self.same("frobnicate")
        self.same("avail", "extra")

    def test_08_reload_keeps_the_daemon(self):
        pids = {k: d.rpc().supervisor.getPID() for k, d in self.daemons.items()}
        before = {k: d.rpc().supervisor.getProcessInfo("sleeper")["pid"] for k, d in self.daemons.items()}
        self.same("reload", check=lambda rc, out: self.assertEqual(out, "Restarted supervisord\n"))
        for kind, d in self.daemons.items():
            wait_until(lambda: d.ready(), what=kind + " after reload")
            d.wait_state("sleeper", "RUNNING")
            self.assertEqual(d.rpc().supervisor.getPID(), pids[kind])
            self.assertNotEqual(d.rpc().supervisor.getProcessInfo("sleeper")["pid"], before[kind])
        self.same("status")

    def test_09_shutdown(self):
        self.same("shutdown", check=lambda rc, out: self.assertEqual(out, "Shut down\n"))
        for kind, d in self.daemons.items():
            d.proc.wait(timeout=30)
            self.assertEqual(d.proc.returncode, 0, kind)
        self.same("status", check=lambda rc, out: self.assertIn("no such file", out))


if __name__ == "__main__":
    unittest.main(verbosity=2)
