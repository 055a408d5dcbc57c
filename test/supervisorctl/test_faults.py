"""Every Fault a client can provoke, with supervisord's code and string
(SPEC §11), through supervisor's own XML-RPC transport."""

import os
import unittest
import xmlrpc.client

from support import Daemon, require_wardend, wait_until

CONFIG = """
[unix_http_server]
file={dir}/http.sock

[supervisord]
logfile={dir}/main.log
socket={dir}/ctl.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:sleeper]
command=/bin/sleep 1000
startsecs=0

[program:quiet]
command=/bin/sleep 1000
startsecs=0
autostart=false
stdout_logfile=NONE
stderr_logfile=NONE

[program:devnull]
command=/bin/sleep 1000
autostart=false
stdout_logfile=/dev/null

[program:quick]
command=/bin/sh -c 'exit 3'
autostart=false
startsecs=1
startretries=0

[program:nocmd]
command=/no/such/command
autostart=false
startretries=0

[program:noexec]
command={dir}/supervisord.conf
autostart=false
startretries=0

[program:nodir]
command=/bin/true
directory=/no/such/directory
autostart=false
startretries=0

[program:slowstart]
command=/bin/sleep 1000
autostart=false
startsecs=30

[program:stubborn]
command=/bin/sh -c 'trap "" TERM; while true; do sleep 1; done'
startsecs=0
stopwaitsecs=30
"""


class Faults(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_wardend()
        cls.d = Daemon("wardend", CONFIG)
        cls.d.wait_state("sleeper", "RUNNING")
        cls.p = cls.d.rpc().supervisor
        cls.system = cls.d.rpc().system

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()

    def fault(self, call, code, text):
        with self.assertRaises(xmlrpc.client.Fault) as ctx:
            call()
        self.assertEqual((ctx.exception.faultCode, ctx.exception.faultString), (code, text))

    def test_unknown_method_1(self):
        self.fault(lambda: self.p.frobnicate(), 1, "UNKNOWN_METHOD")
        self.fault(lambda: self.d.rpc().nosuch.getState(), 1, "UNKNOWN_METHOD")
        self.fault(lambda: self.p._update("x"), 1, "UNKNOWN_METHOD")
        self.fault(lambda: getattr(self.d.rpc(), "supervisor.options.x")(), 1, "UNKNOWN_METHOD")

    def test_incorrect_parameters_2(self):
        self.fault(lambda: self.p.getProcessInfo(), 2, "INCORRECT_PARAMETERS")
        self.fault(lambda: self.p.getProcessInfo("a", "b"), 2, "INCORRECT_PARAMETERS")
        self.fault(lambda: self.p.getProcessInfo(42), 2, "INCORRECT_PARAMETERS")
        self.fault(lambda: self.p.readLog("x", 0), 2, "INCORRECT_PARAMETERS")
        self.fault(lambda: self.p.startProcess("sleeper", "soon"), 2, "INCORRECT_PARAMETERS")
        self.fault(lambda: self.p.sendProcessStdin("sleeper", 7), 2, "INCORRECT_PARAMETERS")

    def test_bad_arguments_3(self):
        self.fault(lambda: self.p.readLog(-10, 5), 3, "BAD_ARGUMENTS")
        self.fault(lambda: self.p.readProcessStdoutLog("sleeper", 0, -5), 3, "BAD_ARGUMENTS")

    def test_signature_unsupported_4(self):
        self.fault(lambda: self.system.methodHelp("supervisor.nosuch"), 4, "SIGNATURE_UNSUPPORTED")
        self.fault(lambda: self.system.methodSignature("nosuch"), 4, "SIGNATURE_UNSUPPORTED")

    def test_bad_name_10(self):
        self.fault(lambda: self.p.getProcessInfo("nosuch"), 10, "BAD_NAME: nosuch")
        self.fault(lambda: self.p.startProcess("nosuch"), 10, "BAD_NAME: nosuch")
        self.fault(lambda: self.p.stopProcessGroup("nosuch"), 10, "BAD_NAME: nosuch")
        self.fault(lambda: self.p.startProcess("nosuch:*"), 10, "BAD_NAME: nosuch:*")
        self.fault(lambda: self.p.removeProcessGroup("nosuch"), 10, "BAD_NAME: nosuch")
        self.fault(lambda: self.p.addProcessGroup("nosuch"), 10, "BAD_NAME: nosuch")

    def test_bad_signal_11(self):
        self.fault(lambda: self.p.signalProcess("sleeper", "FROB"), 11, "BAD_SIGNAL: FROB")
        results = self.p.signalProcessGroup("sleeper", "FROB")
        self.assertEqual([(r["name"], r["status"], r["description"]) for r in results],
                         [("sleeper", 11, "BAD_SIGNAL: FROB")])

    def test_no_file_20(self):
        self.fault(lambda: self.p.readProcessStdoutLog("quiet", 0, 10), 20, "NO_FILE: None")
        info = self.p.getProcessInfo("nocmd")
        self.assertEqual(info["statename"], "STOPPED")
        with self.assertRaises(xmlrpc.client.Fault) as ctx:
            self.p.startProcess("nocmd")
        self.assertEqual(ctx.exception.faultCode, 20)
        self.assertTrue(ctx.exception.faultString.startswith("NO_FILE: cannot execute '/no/such/command'"),
                        ctx.exception.faultString)

    def test_not_executable_21(self):
        with self.assertRaises(xmlrpc.client.Fault) as ctx:
            self.p.startProcess("noexec")
        self.assertEqual(ctx.exception.faultCode, 21, ctx.exception.faultString)
        self.assertTrue(ctx.exception.faultString.startswith("NOT_EXECUTABLE: "), ctx.exception.faultString)

    def test_failed_30(self):
        self.p.startProcess("devnull")
        self.fault(lambda: self.p.clearProcessLogs("devnull"), 30, "FAILED: devnull")
        self.p.stopProcess("devnull")

    def test_spawn_error_50(self):
        self.fault(lambda: self.p.startProcess("nodir"), 50, "SPAWN_ERROR: nodir")
        # Died before startsecs: supervisord's spawnerr, so SPAWN_ERROR too.
        self.fault(lambda: self.p.startProcess("quick"), 50, "SPAWN_ERROR: quick")
        self.assertEqual(self.p.getProcessInfo("quick")["description"],
                         "Exited too quickly (process log may have details)")

    def test_abnormal_termination_40(self):
        # A start still waiting for startsecs is interrupted by a stop from another client.
        import threading
        outcome = {}

        def start():
            try:
                outcome["value"] = self.d.rpc().supervisor.startProcess("slowstart")
            except xmlrpc.client.Fault as f:
                outcome["fault"] = (f.faultCode, f.faultString)

        t = threading.Thread(target=start)
        t.start()
        self.d.wait_state("slowstart", "STARTING")
        self.assertTrue(self.d.rpc().supervisor.stopProcess("slowstart"))
        t.join(30)
        self.assertEqual(outcome, {"fault": (40, "ABNORMAL_TERMINATION: slowstart")})

    def test_already_started_60(self):
        self.fault(lambda: self.p.startProcess("sleeper"), 60, "ALREADY_STARTED: sleeper")

    def test_not_running_70(self):
        self.fault(lambda: self.p.stopProcess("quiet"), 70, "NOT_RUNNING: quiet")
        self.fault(lambda: self.p.signalProcess("quiet", "HUP"), 70, "NOT_RUNNING: quiet")
        self.fault(lambda: self.p.sendProcessStdin("quiet", "x"), 70, "NOT_RUNNING: quiet")
        # stdin is /dev/null under warden: a running process's is not a pipe.
        self.fault(lambda: self.p.sendProcessStdin("sleeper", "x"), 20, "NO_FILE: sleeper")

    def test_already_added_90_still_running_91(self):
        self.p.reloadConfig()
        self.fault(lambda: self.p.addProcessGroup("sleeper"), 90, "ALREADY_ADDED: sleeper")
        self.fault(lambda: self.p.removeProcessGroup("sleeper"), 91, "STILL_RUNNING: sleeper")

    def test_cant_reread_92(self):
        with open(self.d.config) as f:
            good = f.read()
        try:
            with open(self.d.config, "a") as f:
                f.write("\n[program:bad]\ncommand=/bin/true\nautostart=perhaps\n")
            with self.assertRaises(xmlrpc.client.Fault) as ctx:
                self.p.reloadConfig()
            self.assertEqual(ctx.exception.faultCode, 92)
            self.assertTrue(ctx.exception.faultString.startswith("CANT_REREAD: " + self.d.config + ":"),
                            ctx.exception.faultString)
        finally:
            with open(self.d.config, "w") as f:
                f.write(good)

    def test_multicall(self):
        results = self.system.multicall([
            {"methodName": "supervisor.getAPIVersion", "params": []},
            {"methodName": "supervisor.getProcessInfo", "params": ["nosuch"]},
            {"methodName": "system.multicall", "params": [[]]},
            {"params": []},
            {"methodName": "supervisor.startProcess", "params": ["quiet"]},
            {"methodName": "supervisor.stopProcess", "params": ["quiet"]},
        ])
        self.assertEqual(results, [
            ["3.0"],
            {"faultCode": 10, "faultString": "BAD_NAME: nosuch"},
            {"faultCode": 2, "faultString": "INCORRECT_PARAMETERS: Recursive system.multicall forbidden"},
            {"faultCode": 2, "faultString": "INCORRECT_PARAMETERS: No methodName"},
            [True],
            [True],
        ])

    def test_introspection(self):
        methods = self.system.listMethods()
        for m in ("supervisor.getAPIVersion", "supervisor.startProcess", "supervisor.tailProcessStdoutLog",
                  "supervisor.sendRemoteCommEvent", "system.multicall", "system.methodSignature"):
            self.assertIn(m, methods)
        self.assertEqual(self.system.methodSignature("supervisor.startProcess"), ["boolean", "string", "boolean"])
        self.assertIn("Start a process", self.system.methodHelp("supervisor.startProcess"))

    def test_info_and_logs(self):
        info = self.p.getProcessInfo("sleeper")
        self.assertEqual(sorted(info), sorted(["name", "group", "description", "start", "stop", "now", "state",
                                               "statename", "spawnerr", "exitstatus", "logfile",
                                               "stdout_logfile", "stderr_logfile", "pid"]))
        self.assertEqual((info["name"], info["group"], info["state"], info["statename"]),
                         ("sleeper", "sleeper", 20, "RUNNING"))
        self.assertRegex(info["description"], r"^pid %d, uptime 0:00:\d\d$" % info["pid"])
        self.assertEqual(self.p.getState(), {"statecode": 1, "statename": "RUNNING"})
        self.assertEqual(self.p.getIdentification(), "supervisor")
        self.assertEqual(self.p.tailProcessStdoutLog("quiet", 0, 100), ["", 0, False])
        main = self.p.readLog(0, 0)
        self.assertIn("warden started", main)
        data, offset, overflow = self.p.tailProcessStdoutLog("sleeper", 0, 100)
        self.assertEqual((data, overflow), ("", False))

    def test_zz_shutdown_state_6(self):
        # stubborn ignores SIGTERM, so the shutdown lasts its stopwaitsecs.
        self.d.wait_state("stubborn", "RUNNING")
        self.assertTrue(self.p.shutdown())
        self.fault(lambda: self.p.getState(), 6, "SHUTDOWN_STATE")
        self.fault(lambda: self.p.startProcess("quiet"), 6, "SHUTDOWN_STATE")
        self.assertIn("supervisor.getState", self.system.listMethods())  # system.* still answers
        os.kill(self.d.proc.pid, 15)  # a second request kills at once
        self.d.proc.wait(timeout=30)


if __name__ == "__main__":
    unittest.main(verbosity=2)
