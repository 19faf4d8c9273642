/*
 * The HTTP surface of interactive queries: a URL → what to answer. Pure (no I/O), so every rule
 * here is unit-tested. All routes are GET; the answer is JSON (docs/interactive-queries.md).
 *
 *   /stores                                   this application's queryable stores and their kinds
 *   /stores/{store}/keys/{key}[?asOf=t]       get (asOf: versioned stores; VersionedKeyQuery)
 *   /stores/{store}/keys/{key}/versions[?from=t&to=t&order=ascending|descending]
 *                                             versioned stores: the versions valid at some time in
 *                                             [from, to] (either open), newest first by default
 *                                             (MultiVersionedKeyQuery, KIP-968)
 *   /stores/{store}/keys[?from=k&to=k]        range (both bounds inclusive, either open), or all
 *   /stores/{store}/keys/{key}/windows?from=t&to=t   window fetch for one key
 *   /stores/{store}/windows?from=t&to=t       window fetchAll
 *   /stores/{store}/keys/{key}/sessions       session fetch for one key
 *   /stores/{store}/key[/versions|/windows|/sessions]?key=...   the same four with the key as a parameter:
 *                                             for keys a URL path cannot carry ("." and ".."
 *                                             are removed from paths by every HTTP client) —
 *                                             the typed client always uses this form
 *
 * Every store route also takes:
 *   keyFormat=auto|string|json   how key text is read (json-codec.ts)
 *   standby=true                 a standby replica may answer (possibly stale, as Kafka's
 *                                enableStaleStores); default: the active replica only
 * Times t are epoch milliseconds (an integer) or an ISO-8601 date.
 * Path segments are percent-decoded, so a key may hold "/" as %2F.
 */
import { badRequest, parseKeyFormat, type KeyFormat } from './json-codec.ts';

export type ParsedRoute =
  | { readonly route: 'stores' }
  | {
      readonly route: 'store';
      readonly store: string;
      readonly op: 'get' | 'versions' | 'range' | 'windows' | 'allWindows' | 'sessions';
      /** Key text (undecoded: the store's serde decides how to read it). */
      readonly key?: string;
      readonly from?: string;
      readonly to?: string;
      readonly asOf?: number;
      readonly timeFrom?: number;
      readonly timeTo?: number;
      /** versions: by timestamp, newest first unless ascending. */
      readonly order?: 'ascending' | 'descending';
      readonly keyFormat: KeyFormat;
      readonly standby: boolean;
    };

/** Epoch ms from an integer or an ISO-8601 date; throws a 400 naming the parameter. */
export function parseTime(name: string, text: string | null, required: boolean): number | undefined {
  if (text === null || text === '') {
    if (required) throw badRequest(`parameter "${name}" is required: epoch milliseconds or an ISO-8601 date`);
    return undefined;
  }
  const t = /^-?\d+$/.test(text) ? Number(text) : /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isSafeInteger(t)) throw badRequest(`parameter "${name}" must be epoch milliseconds or an ISO-8601 date (got ${JSON.stringify(text)})`);
  return t;
}

function parseBool(name: string, text: string | null): boolean {
  if (text === null || text === '' || text === 'false') return false;
  if (text === 'true') return true;
  throw badRequest(`parameter "${name}" must be "true" or "false" (got ${JSON.stringify(text)})`);
}

function segments(pathname: string): string[] {
  const raw = pathname.split('/').filter((s) => s.length > 0);
  try {
    return raw.map((s) => decodeURIComponent(s));
  } catch {
    throw badRequest(`the path ${JSON.stringify(pathname)} is not valid percent-encoding`);
  }
}

const optional = (p: URLSearchParams, name: string): string | undefined => p.get(name) ?? undefined;

/** The route for `url` (path and query); undefined when no route matches (404). */
export function parseRoute(url: URL): ParsedRoute | undefined {
  const seg = segments(url.pathname);
  if (seg.length === 1 && seg[0] === 'stores') return { route: 'stores' };
  if (seg[0] !== 'stores' || seg.length < 3) return undefined;
  const store = seg[1]!;
  const p = url.searchParams;
  const common = { route: 'store' as const, store, keyFormat: parseKeyFormat(p.get('keyFormat')), standby: parseBool('standby', p.get('standby')) };
  const rest = seg.slice(2);
  if (rest.length === 1 && rest[0] === 'keys') return { ...common, op: 'range', ...defined({ from: optional(p, 'from'), to: optional(p, 'to') }) };
  if (rest.length === 1 && rest[0] === 'windows') {
    return { ...common, op: 'allWindows', timeFrom: parseTime('from', p.get('from'), true)!, timeTo: parseTime('to', p.get('to'), true)! };
  }
  let key: string;
  if (rest[0] === 'key' && rest.length <= 2) {
    const k = p.get('key');
    if (k === null) throw badRequest('parameter "key" is required on /key routes');
    key = k;
    rest.splice(0, 1, 'keys', k);
  } else if (rest[0] === 'keys' && rest.length >= 2 && rest.length <= 3) key = rest[1]!;
  else return undefined;
  if (rest.length === 2) return { ...common, op: 'get', key, ...defined({ asOf: parseTime('asOf', p.get('asOf'), false) }) };
  if (rest[2] === 'windows') return { ...common, op: 'windows', key, timeFrom: parseTime('from', p.get('from'), true)!, timeTo: parseTime('to', p.get('to'), true)! };
  if (rest[2] === 'sessions') return { ...common, op: 'sessions', key };
  if (rest[2] === 'versions') return { ...common, op: 'versions', key, ...versionsParams(p) };
  return undefined;
}

function versionsParams(p: URLSearchParams): { timeFrom?: number; timeTo?: number; order?: 'ascending' | 'descending' } {
  const timeFrom = parseTime('from', p.get('from'), false);
  const timeTo = parseTime('to', p.get('to'), false);
  if (timeFrom !== undefined && timeTo !== undefined && timeFrom > timeTo) throw badRequest(`parameter "from" (${timeFrom}) is after "to" (${timeTo}): the time range is empty`);
  const order = p.get('order');
  if (order !== null && order !== 'ascending' && order !== 'descending') throw badRequest(`parameter "order" must be "ascending" or "descending" (got ${JSON.stringify(order)})`);
  return defined({ timeFrom, timeTo, order: order ?? undefined });
}

/** `o` without its undefined properties (exactOptionalPropertyTypes-friendly spreads). */
function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
