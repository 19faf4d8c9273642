/*
 * Record headers as an object keyed by header name (the shape records carry through the client
 * and the streams runtime). Header names are data from the wire: a header named "__proto__"
 * must become an own property of that name. A plain `obj[name] = value` would instead replace the
 * object's prototype, losing the header and turning the object into something else.
 */

/** Sets header `name` on `headers` as an own, enumerable property (last value wins, as before). */
export function setHeader(headers: Record<string, Buffer>, name: string, value: Buffer): void {
  if (name === '__proto__') Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
  else headers[name] = value;
}

/** The header object of a decoded header list; headers with a null value are left out. */
export function headersFromList(list: readonly { readonly key: string; readonly value: Buffer | null }[]): Record<string, Buffer> {
  const headers: Record<string, Buffer> = {};
  for (const h of list) if (h.value !== null) setHeader(headers, h.key, h.value);
  return headers;
}
