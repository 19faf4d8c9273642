/*
 * A strict reader of the Prometheus text exposition format (version 0.0.4) for tests: every
 * line must be a comment (# HELP / # TYPE), blank, or a sample `name{label="v",…} value`;
 * anything else throws, so a test that scrapes /metrics fails on malformed output.
 */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface ParsedExposition {
  readonly samples: Sample[];
  /** family name → TYPE */
  readonly types: Map<string, string>;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+-?\\d+)?$`);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/gy;

export function parsePrometheusText(text: string): ParsedExposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (m === null) throw new Error(`line ${i + 1}: bad comment: ${line}`);
      if (m[1] === 'TYPE') types.set(m[2]!, m[3]!);
      continue;
    }
    const m = SAMPLE.exec(line);
    if (m === null) throw new Error(`line ${i + 1}: not a sample: ${line}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    LABEL.lastIndex = 0;
    let consumed = 0;
    for (let l = LABEL.exec(body); l !== null; l = LABEL.exec(body)) {
      labels[l[1]!] = l[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      consumed = LABEL.lastIndex;
    }
    if (consumed !== body.length) throw new Error(`line ${i + 1}: bad labels: ${body}`);
    const raw = m[3]!;
    // Prometheus parses values with Go's strconv.ParseFloat: NaN in any case (prom-client writes "Nan").
    const nan = raw.toLowerCase() === 'nan';
    const value = nan ? Number.NaN : raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    if (!nan && Number.isNaN(value)) throw new Error(`line ${i + 1}: bad value: ${raw}`);
    samples.push({ name: m[1]!, labels, value });
  }
  return { samples, types };
}

/** The samples of `name` whose labels include `labels`. */
export function samplesOf(parsed: ParsedExposition, name: string, labels: Record<string, string> = {}): Sample[] {
  return parsed.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

export async function scrape(url: string): Promise<{ status: number; contentType: string | null; parsed: ParsedExposition }> {
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type'), parsed: parsePrometheusText(text) };
}
