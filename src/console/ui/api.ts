/*
 * The page's view of the console's JSON API (src/console/console-server.ts): typed fetches and
 * a polling hook. Types come from the server's own modules, so the two cannot drift apart.
 */
import { useEffect, useState } from 'preact/hooks';
import type { GroupView, TopicDetail, TopicSummary } from '../console-state.ts';
import type { AppView } from '../app-directory.ts';
import type { HistoryView } from '../console-history.ts';
import type { MessagePage } from '../message-browser.ts';

export type { AppView, GroupView, HistoryView, MessagePage, TopicDetail, TopicSummary };

export interface Overview {
  nodeId: number;
  bootstrap: string;
  topics: number;
  groups: number;
  apps: number;
  connections: number;
}

export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  const body = (await res.json()) as T | { error: string };
  if (!res.ok) throw new Error((body as { error?: string }).error ?? `${path}: HTTP ${res.status}`);
  return body as T;
}

export interface Polled<T> {
  data: T | undefined;
  error: string | undefined;
}

/** GETs `path` now and every `everyMs` while the component is shown. */
export function usePoll<T>(path: string | undefined, everyMs = 2000): Polled<T> {
  const [state, setState] = useState<Polled<T>>({ data: undefined, error: undefined });
  useEffect(() => {
    if (path === undefined) return undefined;
    let live = true;
    const load = (): void => {
      getJson<T>(path).then(
        (data) => live && setState({ data, error: undefined }),
        (e: unknown) => live && setState((s) => ({ data: s.data, error: e instanceof Error ? e.message : String(e) })),
      );
    };
    load();
    const timer = setInterval(load, everyMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [path, everyMs]);
  return state;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export function formatRate(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return n >= 100 ? `${Math.round(n)}/s` : `${n.toFixed(1)}/s`;
}
