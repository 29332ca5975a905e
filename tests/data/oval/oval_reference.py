#!/usr/bin/env python3
# Independent reference reader for OVAL 5 definitions (tests/unit/test-oval.c):
# prints the affected rows customs should import, one per line, sorted:
#   namespace TAB package TAB vuln_id TAB scheme TAB fixed TAB severity TAB note
# Built on xml.etree.ElementTree and bz2 only, from the OVAL 5 schema.
import bz2
import re
import sys
import xml.etree.ElementTree as ET

path, ns = sys.argv[1], sys.argv[2]
with open(path, 'rb') as f:
    data = f.read()
if data[:3] == b'BZh':
    data = bz2.decompress(data)
root = ET.fromstring(data)


def local(tag):
    return tag.rsplit('}', 1)[-1]


SEV = {'critical': 'critical', 'high': 'high', 'important': 'high', 'medium': 'medium',
       'moderate': 'medium', 'low': 'low', 'negligible': 'negligible', 'none': 'negligible',
       'unimportant': 'negligible'}


def sev(s):
    return SEV.get((s or '').strip().lower(), 'unknown')


def section(name):
    for child in root:
        if local(child.tag) == name:
            return child
    return []


tests, objects, states, variables = {}, {}, {}, {}
for t in section('tests'):
    kind = {'dpkginfo_test': 'dpkg', 'rpminfo_test': 'rpm'}.get(local(t.tag))
    if not kind:
        continue
    obj = [c.get('object_ref') for c in t if local(c.tag) == 'object']
    sts = [c.get('state_ref') for c in t if local(c.tag) == 'state']
    tests.setdefault(t.get('id'), (kind, obj[0] if obj else None, sts))
for o in section('objects'):
    if local(o.tag) not in ('dpkginfo_object', 'rpminfo_object'):
        continue
    for c in o:
        if local(c.tag) == 'name' and c.get('operation', 'equals') == 'equals':
            objects.setdefault(o.get('id'), (c.text.strip() if c.text else None, c.get('var_ref')))
for s in section('states'):
    if local(s.tag) not in ('dpkginfo_state', 'rpminfo_state'):
        continue
    fixed = None
    for c in s:
        if local(c.tag) in ('evr', 'version') and c.get('operation') == 'less than' and c.text:
            fixed = c.text.strip()
    states.setdefault(s.get('id'), fixed)
for v in section('variables'):
    if local(v.tag) == 'constant_variable':
        variables.setdefault(v.get('id'), [c.text.strip() for c in v if local(c.tag) == 'value' and c.text])

rows = {}
for d in section('definitions'):
    if d.get('class') not in ('patch', 'vulnerability'):
        continue
    md = next(c for c in d if local(c.tag) == 'metadata')
    vids, vsev, adv, advsev = [], {}, None, 'unknown'
    for r in md:
        if local(r.tag) != 'reference':
            continue
        if r.get('source') == 'CVE':
            if r.get('ref_id') not in vids:
                vids.append(r.get('ref_id'))
        elif adv is None:
            adv = r.get('ref_id')
    for a in md:
        if local(a.tag) != 'advisory':
            continue
        for c in a:
            if local(c.tag) == 'severity':
                advsev = sev(c.text)
            if local(c.tag) == 'cve' and c.text:
                cve = c.text.strip()
                if cve not in vids:
                    vids.append(cve)
                p = c.get('priority') or c.get('impact')
                if sev(p) != 'unknown':
                    vsev[cve] = sev(p)
    title = next((c.text or '' for c in md if local(c.tag) == 'title'), '')
    m = re.match(r'([A-Z]{2,8}-\d+(?:-\d+)?)(?:[ :]|$)', title.strip())
    if not vids and not adv and m:
        adv = m.group(1)
    if not vids and adv:
        vids = [adv]
    refs = []
    for c in d.iter():
        if local(c.tag) == 'criterion' and c.get('negate') != 'true' and c.get('test_ref') not in refs:
            refs.append(c.get('test_ref'))
    pkgs = []
    for ref in refs:
        if ref not in tests:
            continue
        kind, obj, sts = tests[ref]
        if obj not in objects:
            continue
        fixed = next((states[s] for s in sts if states.get(s)), None)
        if not fixed:
            continue
        name, var = objects[obj]
        names = [name] if name else variables.get(var, [])
        for n in names:
            if (n, fixed) not in [(p[0], p[1]) for p in pkgs]:
                pkgs.append((n, fixed, kind))
    for n, fixed, kind in pkgs:
        for v in vids:
            key = (ns, n, v, fixed)
            if key not in rows:
                rows[key] = (ns, n, v, kind, fixed, vsev.get(v, advsev), adv or '')

out = sorted(('\t'.join(r) for r in rows.values()), key=lambda s: s.encode())
sys.stdout.write(''.join(line + '\n' for line in out))
