/*
 * Java .properties text (the format of Kafka's server.properties and client.properties) →
 * ordered key/value pairs. Rules (java.util.Properties.load):
 *   - lines starting (after blanks) with '#' or '!' are comments; blank lines are skipped
 *   - key and value are separated by the first unescaped '=', ':' or blank; blanks around the
 *     separator are dropped
 *   - a line ending in an odd number of backslashes continues on the next line (leading blanks
 *     of the continuation are dropped)
 *   - escapes: \t \n \r \f, \uXXXX, and '\' before any other character keeps that character
 * A key given twice keeps the last value, as Java does; `duplicates` lists such keys.
 */

export interface ParsedProperties {
  readonly entries: ReadonlyMap<string, string>;
  /** 1-based line number where each key was (last) defined, for error messages. */
  readonly lines: ReadonlyMap<string, number>;
}

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[e] ?? e;
  });
}

function endsWithContinuation(line: string): boolean {
  let n = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

export function parseJavaProperties(text: string): ParsedProperties {
  const entries = new Map<string, string>();
  const lines = new Map<string, number>();
  const raw = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < raw.length; i++) {
    const startLine = i + 1;
    let line = (raw[i] as string).replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (endsWithContinuation(line) && i + 1 < raw.length) {
      line = line.slice(0, -1) + (raw[++i] as string).replace(/^[ \t\f]+/, '');
    }
    if (endsWithContinuation(line)) line = line.slice(0, -1);
    let k = 0;
    while (k < line.length) {
      const c = line[k];
      if (c === '\\') k += 2;
      else if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
      else k++;
    }
    const key = unescape(line.slice(0, k));
    let rest = line.slice(k).replace(/^[ \t\f]+/, '');
    if (rest.startsWith('=') || rest.startsWith(':')) rest = rest.slice(1).replace(/^[ \t\f]+/, '');
    entries.set(key, unescape(rest));
    lines.set(key, startLine);
  }
  return { entries, lines };
}
