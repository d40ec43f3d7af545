#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that netlink/tbib.yaml and netlink/uapi/tbib.h agree.

Every attribute set, operation and enum of the YNL spec must have the same
names and values as the hand-written uapi header (values are ABI).
Prints "PASS: netlink-spec" or "FAIL: netlink-spec" and the differences.
"""
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))


def c_enums(text):
    enums = {}
    for m in re.finditer(r'enum (\w+) \{(.*?)\};', text, re.S):
        vals, v = {}, -1
        for line in m.group(2).split('\n'):
            line = re.sub(r'/\*.*?\*/', '', line).strip().rstrip(',')
            if not line or line.startswith('__') or re.match(r'\w+_MAX =', line):
                continue
            mm = re.match(r'(\w+)\s*=\s*(\w+)$', line)
            if mm:
                name, v = mm.group(1), int(mm.group(2), 0)
            else:
                name, v = line, v + 1
            vals[name] = v
        enums[m.group(1)] = vals
    return enums


def cname(prefix, name):
    return (prefix + name).upper().replace('-', '_')


def main():
    spec = yaml.safe_load(open(os.path.join(HERE, 'tbib.yaml')))
    enums = c_enums(open(os.path.join(HERE, 'uapi', 'tbib.h')).read())
    errs = []

    def want(enum, expected):
        have = dict(enums.get(enum, {}))
        have.pop(enum.upper() + '_UNSPEC', None)
        for k, v in list(have.items()):
            if k.endswith('_UNSPEC'):
                del have[k]
        if have != expected:
            for k in sorted(set(have) | set(expected)):
                if have.get(k) != expected.get(k):
                    errs.append('%s: %s header=%s spec=%s' %
                                (enum, k, have.get(k), expected.get(k)))

    for s in spec['attribute-sets']:
        exp, v = {}, 0
        for a in s['attributes']:
            v = a.get('value', v + 1)
            exp[cname(s['name-prefix'], a['name'])] = v
        want(s['enum-name'], exp)

    ops = spec['operations']
    exp, v = {}, 0
    for o in ops['list']:
        v = o.get('value', v + 1)
        exp[cname(ops['name-prefix'], o['name'])] = v
    want(ops['enum-name'], exp)

    for d in spec['definitions']:
        if d['type'] != 'enum':
            continue
        prefix = d.get('name-prefix', 'tbib-' + d['name'] + '-')
        exp, v = {}, d.get('value-start', 0) - 1
        for e in d['entries']:
            if isinstance(e, dict):
                n, v = e['name'], e.get('value', v + 1)
            else:
                n, v = e, v + 1
            exp[cname(prefix, n)] = v
        want('tbib_' + d['name'].replace('-', '_'), exp)

    for e in errs:
        print('  ' + e)
    print('%s: netlink-spec' % ('FAIL' if errs else 'PASS'))
    return 1 if errs else 0


if __name__ == '__main__':
    sys.exit(main())
