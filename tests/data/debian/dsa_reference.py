#!/usr/bin/env python3
# Independent reference reader for the Debian security tracker's DSA/DLA
# lists (tests/unit/test-debian-tracker.c), regex-based. Prints the affected
# rows customs should import, sorted, one per line:
#   namespace TAB package TAB vuln_id TAB fix_state TAB fixed TAB severity TAB note
# then "#advisories N", "#aliases N" and "#bad LINENO" for lines to be reported.
import re
import sys

REL = {'woody': '3.0', 'sarge': '3.1', 'etch': '4', 'lenny': '5', 'squeeze': '6',
       'wheezy': '7', 'jessie': '8', 'stretch': '9', 'buster': '10', 'bullseye': '11',
       'bookworm': '12', 'trixie': '13', 'forky': '14'}
TAGS = {'unfixed': 'affected', 'not-affected': 'not-affected', 'no-dsa': 'wont-fix',
        'ignored': 'wont-fix', 'postponed': 'wont-fix', 'end-of-life': 'end-of-life',
        'undetermined': 'under-investigation'}
URG = {'unimportant': 'negligible', 'low': 'low', 'medium': 'medium', 'high': 'high'}

header = re.compile(r'^\[(\d\d) ([A-Z][a-z]{2}) (\d{4})\]\s+(D[SL]A-\d+(?:-\d+)?)(?:\s|$)')
pkgline = re.compile(r'^\[([a-z]+)\]\s+-\s+(\S+)\s+(\S+)(?:\s+\((.*)\))?$')

advs, aliases, rows, bad = set(), set(), {}, []
cur = None


def flush():
    if not cur:
        return
    vids = cur['cves'] or [cur['id']]
    for ns, pkg, state, fixed, sev, note in cur['rows']:
        for v in vids:
            rows.setdefault((ns, pkg, v, fixed), (ns, pkg, v, state, fixed or '', sev, note))


for lineno, line in enumerate(open(sys.argv[1], encoding='utf-8', errors='replace'), 1):
    line = line.rstrip('\n')
    m = header.match(line)
    if m:
        flush()
        cur = {'id': m.group(4), 'cves': [], 'rows': []}
        advs.add(m.group(4))
        continue
    s = line.strip()
    if not s or cur is None or s.startswith('NOTE:'):
        continue
    if s.startswith('{') and s.endswith('}'):
        for t in s[1:-1].split():
            if re.fullmatch(r'CVE-\d{4}-\d+', t) and t not in cur['cves']:
                cur['cves'].append(t)
                aliases.add((t, cur['id']))
        continue
    m = pkgline.match(s)
    if not m or m.group(1) not in REL:
        bad.append(lineno)
        continue
    ns, pkg, val, paren = 'debian:' + REL[m.group(1)], m.group(2), m.group(3), m.group(4)
    sev, rest = 'unknown', []
    for item in (paren or '').split(';'):
        item = item.strip()
        if not item or item.startswith('bug #'):
            continue
        if item in URG:
            sev = URG[item]
        else:
            rest.append(item)
    rest = '; '.join(rest)
    if val.startswith('<') and val.endswith('>') and val[1:-1] in TAGS:
        state, fixed = TAGS[val[1:-1]], None
        note = (val[1:-1] + (': ' + rest if rest else '')) if state == 'wont-fix' else rest
    elif re.fullmatch(r'\d[A-Za-z0-9.+~:-]*', val):
        state, fixed = 'fixed', val
        note = cur['id'] + (': ' + rest if rest else '')
    else:
        bad.append(lineno)
        continue
    cur['rows'].append((ns, pkg, state, fixed, sev, note))
flush()

out = sorted(('\t'.join(r) for r in rows.values()), key=lambda s: s.encode())
sys.stdout.write(''.join(line + '\n' for line in out))
print('#advisories %d' % len(advs))
print('#aliases %d' % len(aliases))
for b in bad:
    print('#bad %d' % b)
