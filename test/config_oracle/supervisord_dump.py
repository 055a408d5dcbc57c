#!/usr/bin/python3
"""Load a config with supervisord's own parser (Debian's `supervisor`
package) and print the canonical dump that warden-config-dump prints.

    supervisord_dump.py FILE

Run with /usr/bin/python3: the pyenv python on PATH has no `supervisor`.
Exit 2 if supervisord refuses the file, 3 if `supervisor` is missing.
"""
import json
import os
import signal
import sys

try:
    import supervisor.options as sopts
    from supervisor import datatypes
except ImportError as e:  # pragma: no cover - CI installs the package
    sys.stderr.write('supervisord_dump.py: cannot import supervisor (%s); '
                     'install the Debian package `supervisor`\n' % e)
    sys.exit(3)

# Side effects neutralised, so a sample can name paths and users that do
# not exist on the machine running the test:
# - existing_dirpath / existing_directory check the log and pid directories;
# - name_to_uid looks the user up (warden checks users through
#   load_options.user_exists, which the dump tool leaves unset).
sopts.existing_dirpath = lambda v: os.path.expanduser(v)
sopts.existing_directory = lambda v: os.path.expanduser(v)
datatypes.existing_dirpath = sopts.existing_dirpath
sopts.name_to_uid = lambda name: name


LEVELS = {50: 'critical', 40: 'error', 30: 'warning', 20: 'info', 10: 'debug',
          5: 'trace',
          3: 'trace'}  # blather: warden has no separate level below trace


def j(v):
    return json.dumps(v, ensure_ascii=False, separators=(',', ':'))


def logfile(v):
    if v is datatypes.Automatic:
        return j('AUTO')
    # supervisord writes no log for an empty name (`if logfile:`), so it
    # means NONE, which is what warden makes of it.
    if v is None or v == '':
        return j('NONE')
    return j(v)


def autorestart(v):
    if v is datatypes.RestartUnconditionally:
        return 'true'
    if v is datatypes.RestartWhenExitUnexpected:
        return 'unexpected'
    return 'false'


def main():
    if len(sys.argv) != 2:
        sys.stderr.write('usage: supervisord_dump.py FILE\n')
        return 2
    opts = sopts.ServerOptions()
    opts.configfile = sys.argv[1]
    try:
        opts.process_config(do_usage=False)
    except ValueError as e:
        sys.stderr.write('supervisord refuses %s: %s\n' % (sys.argv[1], e))
        return 2
    for w in opts.parse_warnings:
        sys.stderr.write('supervisord warning: %s\n' % w)

    root = opts.configroot.supervisord
    out = []
    out.append('daemon loglevel %s' % LEVELS[root.loglevel])
    out.append('daemon logfile_maxbytes %d' % root.logfile_maxbytes)
    out.append('daemon logfile_backups %d' % root.logfile_backups)
    out.append('daemon environment %s' % j([[k, v] for k, v in root.environment.items()]))

    procs = []
    for g in root.process_group_configs:
        # [eventlistener:x] and [fcgi-program:x] are not supported by warden
        # (a warning there), so they are no processes to compare.
        if isinstance(g, (sopts.EventListenerPoolConfig, sopts.FastCGIGroupConfig)):
            continue
        for p in g.process_configs:
            # supervisorctl's make_namespec: `group:name`, or `name` alone when equal.
            name = p.name if g.name == p.name else '%s:%s' % (g.name, p.name)
            procs.append((name, g, p))
    procs.sort(key=lambda t: t[0])
    import shlex
    for name, g, p in procs:
        pre = 'process %s ' % name
        out.append(pre + 'group %s' % g.name)
        out.append(pre + 'command %s' % j(shlex.split(p.command)))
        out.append(pre + 'priority %d' % p.priority)
        out.append(pre + 'group_priority %d' % g.priority)
        out.append(pre + 'autostart %s' % ('true' if p.autostart else 'false'))
        out.append(pre + 'startsecs %d' % p.startsecs)
        out.append(pre + 'startretries %d' % p.startretries)
        out.append(pre + 'autorestart %s' % autorestart(p.autorestart))
        out.append(pre + 'exitcodes %s' % ','.join(str(c) for c in p.exitcodes))
        out.append(pre + 'stopsignal %s' % signal.Signals(p.stopsignal).name[3:])
        out.append(pre + 'stopwaitsecs %d' % p.stopwaitsecs)
        out.append(pre + 'user %s' % j(p.uid or ''))
        out.append(pre + 'directory %s' % j(p.directory or ''))
        out.append(pre + 'umask %s' % ('none' if p.umask is None else '%o' % p.umask))
        out.append(pre + 'environment %s' % j([[k, v] for k, v in (p.environment or {}).items()]))
        out.append(pre + 'redirect_stderr %s' % ('true' if p.redirect_stderr else 'false'))
        for s in ('stdout', 'stderr'):
            out.append(pre + '%s_logfile %s' % (s, logfile(getattr(p, s + '_logfile'))))
            out.append(pre + '%s_logfile_maxbytes %d' % (s, getattr(p, s + '_logfile_maxbytes')))
            out.append(pre + '%s_logfile_backups %d' % (s, getattr(p, s + '_logfile_backups')))
    sys.stdout.write('\n'.join(out) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
