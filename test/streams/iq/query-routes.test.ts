import { describe, expect, it } from 'vitest';
import { QueryError } from '../../../src/streams/iq/json-codec.ts';
import { parseRoute, parseTime } from '../../../src/streams/iq/query-routes.ts';

const route = (path: string) => parseRoute(new URL(path, 'http://x'));

describe('parseRoute', () => {
  it('maps each documented path to its operation', () => {
    expect(route('/stores')).toEqual({ route: 'stores' });
    expect(route('/stores/counts/keys/a%2Fb')).toEqual({ route: 'store', store: 'counts', op: 'get', key: 'a/b', keyFormat: 'auto', standby: false });
    expect(route('/stores/prices/keys/p1?asOf=1000&standby=true&keyFormat=string')).toMatchObject({ op: 'get', key: 'p1', asOf: 1000, standby: true, keyFormat: 'string' });
    expect(route('/stores/counts/keys')).toMatchObject({ op: 'range' });
    expect(route('/stores/counts/keys')).not.toHaveProperty('from');
    expect(route('/stores/counts/keys?from=a&to=m')).toMatchObject({ op: 'range', from: 'a', to: 'm' });
    expect(route('/stores/w/keys/k/windows?from=0&to=2026-01-01T00:00:00Z')).toMatchObject({ op: 'windows', key: 'k', timeFrom: 0, timeTo: Date.parse('2026-01-01T00:00:00Z') });
    expect(route('/stores/w/windows?from=5&to=9')).toMatchObject({ op: 'allWindows', timeFrom: 5, timeTo: 9 });
    expect(route('/stores/counts/key?key=..')).toMatchObject({ op: 'get', key: '..' });
    expect(route('/stores/w/key/windows?key=.&from=1&to=2')).toMatchObject({ op: 'windows', key: '.', timeFrom: 1, timeTo: 2 });
    expect(route('/stores/s/key/sessions?key=a%2Fb')).toMatchObject({ op: 'sessions', key: 'a/b' });
    expect(route('/stores/prices/keys/p1/versions?from=5&to=9&order=ascending')).toMatchObject({ op: 'versions', key: 'p1', timeFrom: 5, timeTo: 9, order: 'ascending' });
    expect(route('/stores/prices/key/versions?key=.')).toMatchObject({ op: 'versions', key: '.' });
    expect(route('/stores/prices/key/versions?key=.')).not.toHaveProperty('timeFrom');
    expect(route('/stores/s/keys/%7B%22id%22%3A1%7D/sessions?keyFormat=json')).toMatchObject({ op: 'sessions', key: '{"id":1}', keyFormat: 'json' });
  });

  it('answers undefined (404) for paths that are no route', () => {
    for (const p of ['/', '/stores/x', '/stores/x/values', '/stores/x/keys/k/other', '/stores/x/keys/k/windows/extra', '/metrics']) expect(route(p)).toBeUndefined();
  });

  it('rejects bad parameters with a 400 naming the parameter', () => {
    const bad = (path: string, message: RegExp) => {
      let caught: unknown;
      try {
        route(path);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(QueryError);
      expect((caught as QueryError).status).toBe(400);
      expect((caught as QueryError).message).toMatch(message);
    };
    bad('/stores/w/windows?from=1', /"to" is required/);
    bad('/stores/w/keys/k/windows?from=yesterday&to=1', /"from" must be epoch milliseconds or an ISO-8601 date \(got "yesterday"\)/);
    bad('/stores/c/keys/k?keyFormat=xml', /keyFormat must be "auto", "string" or "json"/);
    bad('/stores/c/keys/k?standby=yes', /"standby" must be "true" or "false"/);
    bad('/stores/c/keys/%E0%A4%A', /not valid percent-encoding/);
    bad('/stores/c/key', /"key" is required/);
    bad('/stores/p/keys/k/versions?from=10&to=2', /"from" \(10\) is after "to" \(2\)/);
    bad('/stores/p/keys/k/versions?order=newest', /"order" must be "ascending" or "descending"/);
  });

  it('parseTime accepts integers and ISO dates only', () => {
    expect(parseTime('t', '-5', true)).toBe(-5);
    expect(parseTime('t', null, false)).toBeUndefined();
    expect(() => parseTime('t', '1.5', true)).toThrow(/epoch milliseconds/);
  });
});
