# Test helper for kafka-python-interop.test.ts: encodes positional message values with
# kafka-python 2.0.2's own protocol classes (an independent implementation) and prints the hex.
# stdin: JSON [{apiKey, version, kind, value}], value = nested positional form:
#   {"$s": [...]} struct, [...] array, {"$i": "123"} int64, {"$b": "hex"} bytes, null, ints, strings.
# stdout: JSON list, per case: hex string, null (kafka-python has no class for it) or "ERROR …".
import importlib
import json
import sys

from kafka.protocol.api import Request, Response
from kafka.protocol.types import Array, Schema

classes = {}
for mod_name in ('admin', 'commit', 'fetch', 'group', 'metadata', 'offset', 'produce'):
    mod = importlib.import_module('kafka.protocol.' + mod_name)
    for name in dir(mod):
        c = getattr(mod, name)
        if not isinstance(c, type) or not isinstance(getattr(c, 'API_VERSION', None), int) or not isinstance(getattr(c, 'API_KEY', None), int):
            continue
        if not name.endswith('_v%d' % c.API_VERSION):
            continue  # e.g. kafka-python's ListGroupsRequest_v2 that claims API_VERSION 1
        kind = 'request' if issubclass(c, Request) else 'response' if issubclass(c, Response) else None
        if kind:
            classes.setdefault((c.API_KEY, c.API_VERSION, kind), c)


def unmarshal(v):
    if isinstance(v, dict):
        if '$b' in v:
            return bytes.fromhex(v['$b'])
        if '$i' in v:
            return int(v['$i'])
        if '$s' in v:
            return tuple(unmarshal(x) for x in v['$s'])
    if isinstance(v, list):
        return [unmarshal(x) for x in v]
    return v


def fit(t, v):
    if isinstance(t, Schema):
        if not isinstance(v, tuple):
            v = (v,)
        extra = len(v) - len(t.fields)
        if extra > 0 and t.fields and isinstance(t.fields[-1], Schema) and len(t.fields[-1].fields) == extra + 1:
            # kafka-python sometimes nests trailing fields in a sub-struct (CreatePartitions:
            # topic, new_partitions=(count, assignment)); a struct adds no bytes in non-flexible
            # versions, so grouping the tail encodes the same message.
            v = tuple(v[:len(t.fields) - 1]) + (tuple(v[len(t.fields) - 1:]),)
        if len(v) != len(t.fields):
            raise ValueError('%d fields but kafka-python has %d %s' % (len(v), len(t.fields), t.names))
        return tuple(fit(ft, fv) for ft, fv in zip(t.fields, v))
    if isinstance(t, Array):
        if isinstance(v, tuple) and len(v) == 1:
            v = v[0]  # a one-field struct (CreatePartitions' {BrokerIds}) is kafka-python's bare array
        return None if v is None else [fit(t.array_of, e) for e in v]
    if isinstance(v, tuple) and len(v) == 1:
        return v[0]
    return v


out = []
for case in json.load(sys.stdin):
    c = classes.get((case['apiKey'], case['version'], case['kind']))
    if c is None:
        out.append(None)
        continue
    try:
        args = fit(c.SCHEMA, unmarshal(case['value']))
        instance = c(*args)  # keep a reference: kafka-python binds encode through a WeakMethod
        out.append(instance.encode().hex())
    except Exception as e:  # reported back as a mismatch
        out.append('ERROR %s: %r' % (c.__name__, e))
json.dump(out, sys.stdout)
