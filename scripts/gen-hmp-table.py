#!/usr/bin/env python3
"""Generates src/main/resources/dev/monmux/hmp/qemu-MAJOR.MINOR.json, monmux's HMP command table of
one QEMU version.

The facts (names|aliases, args_type, params, help, flags) are QEMU's hmp-commands.hx and
hmp-commands-info.hx as compiled into the installed qemu-system-x86_64: the script reads the
HMPCommand arrays (hmp_cmds, hmp_info_cmds) out of the ELF binary, so the table is exactly what
that build has (target-specific #ifs already resolved). The QKeyCode names (for sendkey) come
from the running binary's query-qmp-schema. What each command does (its effect class, for the
access control) is not here: it lives in src/main/resources/dev/monmux/effect/effects.txt, one
place for HMP and QMP alike.

It then checks itself: the table rendered as QEMU's `help` must equal what the real QEMU prints
for `help` and `help info` through human-monitor-command.

Usage: scripts/gen-hmp-table.py [path/to/qemu-system-x86_64 [-L DATADIR]...]
  scripts/gen-hmp-table.py                                   # the system's QEMU (Debian bookworm: 7.2)
  scripts/gen-hmp-table.py target/qemu/10.0/usr/bin/qemu-system-x86_64 \
      -L target/qemu/10.0/usr/share/qemu -L /usr/share/seabios   # the 10.0 that test-deps.sh unpacks

A new version is one run of this script (it names the file after the binary's version), then
`mvn test` (HmpTablesTest finds the file; EffectTableTest names its commands without an effect class;
HmpDifferentialCases and EffectClassesQemuTest check it
against that QEMU, when the tests have it).
"""
import json, os, socket, struct, subprocess, sys, tempfile, time

BIN = sys.argv[1] if len(sys.argv) > 1 else '/usr/bin/qemu-system-x86_64'
DATA = []
rest = sys.argv[2:]
while rest:
    if rest[0] != '-L' or len(rest) < 2:
        sys.exit('usage: gen-hmp-table.py [BINARY [-L DATADIR]...]')
    DATA += ['-L', rest[1]]
    rest = rest[2:]
VERSION_LINE = subprocess.run([BIN] + DATA + ['--version'], capture_output=True, text=True).stdout.splitlines()[0]
MAJOR_MINOR = '.'.join(VERSION_LINE.split()[3].split('.')[:2])   # QEMU emulator version 7.2.22 (...)
OUT = os.path.join(os.path.dirname(__file__), '..', 'src/main/resources/dev/monmux/hmp/qemu-%s.json' % MAJOR_MINOR)
# sizeof(HMPCommand) on x86_64: 10 pointer-sized fields (name, args_type, params, help, flags, cmd,
# cmd_info_hrt, coroutine, sub_table, command_completion), the same in 7.2 and 10.0
ENTRY = 80

# ---- read the binary ----
B = open(BIN, 'rb').read()
shoff, = struct.unpack_from('<Q', B, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from('<HHH', B, 0x3a)
secs = [struct.unpack_from('<IIQQQQ', B, shoff + i * shentsize) for i in range(shnum)]
def secname(n):
    o = secs[shstrndx][4] + n
    return B[o:B.index(b'\0', o)].decode()
S = {secname(s[0]): s for s in secs}
def v2o(v):
    for (_, typ, _, addr, off, size) in secs:
        if typ != 8 and addr and addr <= v < addr + size:
            return v - addr + off
    raise ValueError(hex(v))
rel = {}
r = S['.rela.dyn']
for i in range(r[5] // 24):
    off, info, add = struct.unpack_from('<QQq', B, r[4] + i * 24)
    if info & 0xffffffff == 8:  # R_X86_64_RELATIVE
        rel[off] = add
def cstr(v):
    if v is None:
        return None
    o = v2o(v)
    return B[o:B.index(b'\0', o)].decode()
ro = S['.rodata']
at = B.find(b'\0help|?\0', ro[4], ro[4] + ro[5]) + 1
start = [o for o, a in rel.items() if a == at - ro[4] + ro[3]]
if len(start) != 1:
    sys.exit('cannot find hmp_cmds in ' + BIN)

def walk(p):
    out = []
    while rel.get(p):
        f = [rel.get(p + 8 * k) for k in range(10)]
        names = cstr(f[0])
        e = {'names': names, 'args': cstr(f[1]) or '', 'params': cstr(f[2]) or '', 'help': cstr(f[3]) or '',
             'flags': cstr(f[4]) or '', 'available': bool(f[5] or f[6])}
        if f[8]:
            e['sub'] = walk(f[8])
        out.append(e)
        p += ENTRY
    return out

top = walk(start[0])

# ---- ask the real QEMU for QKeyCode names and its help text ----
tmp = tempfile.mkdtemp()
sock = os.path.join(tmp, 'q.sock')
qemu = subprocess.Popen([BIN] + DATA + ['-M', 'pc', '-m', '64', '-nodefaults', '-display', 'none', '-S',
                         '-qmp', 'unix:%s,server=on,wait=off' % sock])
try:
    for _ in range(200):
        if os.path.exists(sock):
            break
        time.sleep(0.05)
    for _ in range(200):   # the file appears at bind(), a moment before listen()
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(sock)
            break
        except ConnectionRefusedError:
            s.close()
            time.sleep(0.05)
    f = s.makefile('rw')
    f.readline()
    def call(cmd, args=None):
        m = {'execute': cmd}
        if args is not None:
            m['arguments'] = args
        f.write(json.dumps(m) + '\n')
        f.flush()
        while True:
            reply = json.loads(f.readline())
            if 'event' not in reply:
                return reply['return']
    call('qmp_capabilities')
    schema = call('query-qmp-schema')
    keys = [e['values'] for e in schema if e.get('meta-type') == 'enum' and 'ctrl_r' in e.get('values', [])]
    real_help = call('human-monitor-command', {'command-line': 'help'})
    real_help_info = call('human-monitor-command', {'command-line': 'help info'})
finally:
    qemu.kill()
    qemu.wait()
if len(keys) != 1:
    sys.exit('QKeyCode enum not found in query-qmp-schema')

def render(cmds, prefix=''):
    lines = ''.join('%s%s %s -- %s\n' % (prefix, c['names'], c['params'], c['help'])
                    for c in sorted(cmds, key=lambda c: c['names'].encode()))
    return lines.replace('\n', '\r\n')
info = [c for c in top if c['names'] == 'info'][0]['sub']
if render(top) != real_help or render(info, 'info ') != real_help_info:
    sys.exit('rendered help differs from QEMU\'s: the table is wrong')

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, 'w') as o:
    o.write('{"source": %s,\n' % json.dumps(VERSION_LINE + ' (hmp-commands.hx, hmp-commands-info.hx as built)'))
    o.write(' "commands": [\n')
    rows = []
    for c in top:
        sub = c.pop('sub', None)
        rows.append('  ' + json.dumps(c))
        if sub:
            rows[-1] = rows[-1][:-1] + ', "sub": [\n' + ',\n'.join('    ' + json.dumps(s) for s in sub) + ']}'
    o.write(',\n'.join(rows))
    o.write('],\n "qkeycodes": %s}\n' % json.dumps(keys[0]))
INDEX = os.path.join(os.path.dirname(OUT), 'tables.txt')
lines = open(INDEX).read().splitlines() if os.path.exists(INDEX) else []
header = [l for l in lines if l.startswith('#')]
known = {l.strip() for l in lines if l.strip() and not l.startswith('#')}
known.add(MAJOR_MINOR)
with open(INDEX, 'w') as o:
    o.write('\n'.join(header + sorted(known, key=lambda v: tuple(int(x) for x in v.split('.')))) + '\n')
print('wrote', os.path.normpath(OUT), len(top), 'commands,', len(info), 'info sub-commands,', len(keys[0]), 'key names')
