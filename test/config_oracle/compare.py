#!/usr/bin/python3
"""Oracle test: warden's config loader against supervisord's own parser.

    compare.py WARDEN_CONFIG_DUMP SAMPLE...

For each sample, runs warden-config-dump and supervisord_dump.py (with
/usr/bin/python3 and Debian's `supervisor` package) and diffs their
canonical dumps. Both see the same environment, with the variables the
samples use (%(ENV_X)s) fixed below, and the same host name.

What is deliberately not compared is left out of both dumps, each with its
reason: stopasgroup/killasgroup (warden defaults them to true) and the
file name of AUTO logs (supervisord picks it when it opens the file).
"""
import difflib
import os
import platform
import subprocess
import sys

PYTHON = '/usr/bin/python3'
HERE = os.path.dirname(os.path.abspath(__file__))
SUPERVISORD_DUMP = os.path.join(HERE, 'supervisord_dump.py')

SAMPLE_ENV = {
    'VIRTUAL_ENV': '/srv/app/venv',
    'WEB_CONCURRENCY': '4',
    'CELERY_WORKERS': '3',
    'CELERY_CONCURRENCY': '2',
    'APP_ENV': 'production',
    'WORKERS': '2',
    'HOME': '/home/deploy',
}


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    dump_tool, samples = sys.argv[1], sys.argv[2:]

    probe = subprocess.run([PYTHON, '-c', 'import supervisor.options'],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        sys.stderr.write(
            'FAIL: %s cannot import supervisor; the oracle test needs the Debian '
            'package `supervisor` (apt-get install supervisor)\n%s'
            % (PYTHON, probe.stderr))
        return 1

    env = dict(os.environ)
    env.update(SAMPLE_ENV)
    host = platform.node()
    failed = 0
    for sample in samples:
        w = subprocess.run([dump_tool, '--host', host, sample], env=env,
                           capture_output=True, text=True)
        s = subprocess.run([PYTHON, SUPERVISORD_DUMP, sample], env=env,
                           capture_output=True, text=True)
        name = os.path.relpath(sample)
        if w.returncode != 0 or s.returncode != 0:
            failed += 1
            print('FAIL %s: warden exit %d, supervisord exit %d' % (name, w.returncode, s.returncode))
            sys.stdout.write(w.stderr + s.stderr)
            continue
        diff = list(difflib.unified_diff(s.stdout.splitlines(), w.stdout.splitlines(),
                                         'supervisord', 'warden', lineterm='', n=1))
        if diff:
            failed += 1
            print('FAIL %s: dumps differ' % name)
            print('\n'.join(diff))
        else:
            facts = len(w.stdout.splitlines())
            print('ok   %s (%d facts)' % (name, facts))
    print('%d of %d samples agree' % (len(samples) - failed, len(samples)))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
