/*
 * CPU profiles of one workload's timed phase, and their summary by where the time goes.
 *
 * `profileDuring(path, fn)` runs fn with the V8 sampling profiler on (node:inspector, this
 * process only — the broker is another process) and writes a Chrome .cpuprofile to `path`, so
 * the load phase and other workloads stay out of the profile, unlike `node --cpu-prof`.
 *
 * `summarize(profile)` adds up SELF time per function (samples × their time deltas) and groups it
 * by the source file of the function:
 *   client      src/client/**, kafkajs, node's net/stream internals (sockets, request plumbing)
 *   codec       src/protocol/**, src/util/** (crc32c, varints, murmur2), serdes, crc32/compression
 *               packages, Buffer internals, and any project function named (de)serialize…,
 *               encode…/decode… — turning bytes into records and back
 *   store       src/streams/state/**, sorted-btree, level
 *   scheduling  src/streams/{task,runtime,processor,dsl,graph,topology}/** — the stream thread's
 *               loop, record queues, punctuation, forwarding through the processor graph
 *   gc          (garbage collector)
 *   idle        (idle), (program): waiting on I/O (the broker's share of the 2 cores shows here)
 *   other       everything else (benchmark code, tsx, node internals not listed)
 * Node/V8 internal frames (no project or package file) are charged to the category of their
 * nearest caller that is project or package code; the top-functions list shows self time as is.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

export interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

export async function profileDuring<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
    writeFileSync(path, JSON.stringify(profile));
    session.disconnect();
  }
}

export const CATEGORIES = ['client', 'codec', 'store', 'scheduling', 'gc', 'idle', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

export function categorize(functionName: string, url: string): Category {
  if (functionName === '(garbage collector)') return 'gc';
  if (functionName === '(idle)' || functionName === '(program)') return 'idle';
  // Serde and record (de)serialization functions are codec work wherever they live (e.g. the
  // ValueAndTimestamp serde in src/streams/dsl/ops).
  if (/\/src\//.test(url) && /^(de)?serializ|^(en|de)code|^read(Batch|Record)|^write(Batch|Record)/i.test(functionName)) return 'codec';
  if (/\/src\/client\/|node_modules\/kafkajs\/|^node:(net|stream|_stream|internal\/(stream|net|streams))/.test(url)) return 'client';
  if (/\/src\/protocol\/|\/src\/util\/|\/src\/streams\/serde\/|@node-rs\/crc32|snappy|lz4|zstd|^node:buffer|internal\/buffer/.test(url)) return 'codec';
  if (/\/src\/streams\/state\/|sorted-btree|node_modules\/(classic-)?level/.test(url)) return 'store';
  if (/\/src\/streams\/(task|runtime|processor|dsl|graph|topology|errors)\/|node:internal\/(timers|process\/task_queues)/.test(url)) return 'scheduling';
  return 'other';
}

export interface FunctionTime {
  readonly functionName: string;
  readonly location: string;
  readonly category: Category;
  readonly selfMs: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly byCategory: Readonly<Record<Category, number>>;
  readonly topFunctions: readonly FunctionTime[];
}

function shortUrl(url: string, line: number): string {
  // Repository-relative (or package-relative) paths: a summary never names a machine's folders.
  const m = /((?:src|benchmarks|examples)\/.*|node_modules\/.*|node:.*)$/.exec(url);
  const where = m ? m[1]! : url || '(native)';
  return line > 0 ? `${where}:${line + 1}` : where;
}

export function summarize(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time before sample i; attribute the NEXT delta to this sample.
    const dt = deltas[i + 1] ?? 0;
    const id = samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, dt));
  }
  // Node/V8 internals (Buffer copies, native calls) are charged to the nearest calling frame of
  // project or package code, so "codec" vs "client" reflects who asked for the work.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const owned = (url: string): boolean => /\/src\/|node_modules\//.test(url);
  const categoryOf = (node: CpuProfileNode): Category => {
    const { functionName, url } = node.callFrame;
    const own = categorize(functionName, url);
    if (own === 'gc' || own === 'idle' || owned(url)) return own;
    for (let p = parent.get(node.id); p !== undefined; p = parent.get(p)) {
      const up = byId.get(p);
      if (up && owned(up.callFrame.url)) return categorize(up.callFrame.functionName, up.callFrame.url);
    }
    return own;
  };
  const byFunction = new Map<string, { functionName: string; location: string; category: Category; us: number }>();
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const category = categoryOf(node);
    const name = functionName || '(anonymous)';
    const location = shortUrl(url, lineNumber);
    const key = `${name}@${location}`;
    const entry = byFunction.get(key) ?? { functionName: name, location, category, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
    byCategory[category] += us / 1000;
    total += us / 1000;
  }
  const topFunctions = [...byFunction.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((f) => ({ functionName: f.functionName, location: f.location, category: f.category, selfMs: f.us / 1000 }));
  return { totalMs: total, byCategory, topFunctions };
}

/** Markdown: category shares (of non-idle time) and the top functions. */
export function formatSummary(workload: string, s: ProfileSummary, topN = 8): string {
  const busy = s.totalMs - s.byCategory.idle;
  const pct = (ms: number, of: number) => `${of > 0 ? ((100 * ms) / of).toFixed(1) : '0.0'}%`;
  const cats = CATEGORIES.filter((c) => c !== 'idle')
    .map((c) => `${c} ${pct(s.byCategory[c], busy)}`)
    .join(', ');
  const lines = [
    `**${workload}** — ${(s.totalMs / 1000).toFixed(1)} s profiled, ${pct(s.byCategory.idle, s.totalMs)} idle; busy time: ${cats}`,
    '',
    '| self ms | category | function | where |',
    '|---:|---|---|---|',
    ...s.topFunctions
      .filter((f) => f.category !== 'idle')
      .slice(0, topN)
      .map((f) => `| ${Math.round(f.selfMs)} | ${f.category} | \`${f.functionName}\` | ${f.location} |`),
  ];
  return lines.join('\n');
}

/** Share of busy (non-idle) time per category, in percent, plus idle as a share of all time. */
export function categoryShares(s: ProfileSummary): Record<string, number> {
  const busy = s.totalMs - s.byCategory.idle;
  const shares: Record<string, number> = {};
  for (const c of CATEGORIES) if (c !== 'idle') shares[`${c}Pct`] = busy > 0 ? (100 * s.byCategory[c]) / busy : 0;
  shares['idlePct'] = s.totalMs > 0 ? (100 * s.byCategory.idle) / s.totalMs : 0;
  return shares;
}

/**
 * The layer that costs the most busy time among the four the issue names (client, codec, store,
 * scheduling), e.g. "client 38% of busy time". GC is reported beside it, not as a layer: it is
 * paid for by whoever allocates.
 */
export function topBottleneck(s: ProfileSummary): string {
  const shares = categoryShares(s);
  const layers = (['client', 'codec', 'store', 'scheduling'] as const).map((c) => [c, shares[`${c}Pct`] ?? 0] as const);
  const [name, pct] = layers.reduce((a, b) => (b[1] > a[1] ? b : a));
  return `${name} ${pct.toFixed(0)}% of busy time (gc ${(shares['gcPct'] ?? 0).toFixed(0)}%, idle ${(shares['idlePct'] ?? 0).toFixed(0)}% of wall)`;
}
