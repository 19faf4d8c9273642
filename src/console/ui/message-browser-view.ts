/*
 * The message browser: one partition, a page of records from an offset, keys / values /
 * headers shown as text, JSON or hex ("auto" picks per value: decode.ts guessMode), with
 * previous / next pages by offset.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.ts';
import { getJson, type MessagePage } from './api.ts';
import { decodeBytes, guessMode, DecodeModes, type DecodeMode } from './decode.ts';
import type { ShownBytes } from '../message-browser.ts';

const PAGE = 20;

function Bytes(props: { bytes: ShownBytes | null; mode: DecodeMode | 'auto' }) {
  if (props.bytes === null) return html`<span class="muted">null</span>`;
  const mode = props.mode === 'auto' ? guessMode(props.bytes.b64) : props.mode;
  return html`<pre class=${`bytes ${mode}`}>${decodeBytes(props.bytes.b64, mode, props.bytes.truncated)}</pre>`;
}

export function MessageBrowser(props: { topic: string; partitions: number }) {
  const [partition, setPartition] = useState(0);
  const [offset, setOffset] = useState(0);
  const [mode, setMode] = useState<DecodeMode | 'auto'>('auto');
  const [page, setPage] = useState<MessagePage | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    getJson<MessagePage>(`/api/topics/${encodeURIComponent(props.topic)}/partitions/${partition}/messages?offset=${offset}&limit=${PAGE}`).then(
      (p) => {
        setPage(p);
        setError(undefined);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [props.topic, partition, offset]);
  return html`<section class="card browser">
    <h3>Messages</h3>
    <div class="controls">
      <label>Partition <select value=${partition} onChange=${(e: Event) => { setPartition(Number((e.target as HTMLSelectElement).value)); setOffset(0); }}>
        ${Array.from({ length: props.partitions }, (_, p) => html`<option value=${p}>${p}</option>`)}
      </select></label>
      <label>From offset <input type="number" min="0" value=${offset} onChange=${(e: Event) => setOffset(Math.max(0, Number((e.target as HTMLInputElement).value) || 0))} /></label>
      <label>Show as <select value=${mode} onChange=${(e: Event) => setMode((e.target as HTMLSelectElement).value as DecodeMode | 'auto')}>
        ${['auto', ...DecodeModes].map((m) => html`<option value=${m}>${m}</option>`)}
      </select></label>
      <button disabled=${page === undefined || page.fromOffset <= page.logStartOffset} onClick=${() => setOffset(Math.max(0, (page?.fromOffset ?? 0) - PAGE))}>◀ Previous</button>
      <button disabled=${page === undefined || page.nextOffset >= page.highWatermark} onClick=${() => setOffset(page?.nextOffset ?? 0)}>Next ▶</button>
      <button onClick=${() => setOffset(Math.max(page?.logStartOffset ?? 0, (page?.highWatermark ?? 0) - PAGE))}>Latest</button>
    </div>
    ${error !== undefined ? html`<p class="error">${error}</p>` : null}
    ${page !== undefined
      ? html`<p class="muted">Offsets ${page.logStartOffset}–${page.highWatermark - 1} in the partition; showing ${page.records.length} from ${page.fromOffset}.</p>
          <table class="messages">
            <thead><tr><th class="num">Offset</th><th>Timestamp</th><th>Key</th><th>Value</th><th>Headers</th></tr></thead>
            <tbody>
              ${page.records.map(
                (r) => html`<tr data-offset=${r.offset}>
                  <td class="num">${r.offset}</td><td>${new Date(r.timestamp).toISOString()}</td>
                  <td><${Bytes} bytes=${r.key} mode=${mode} /></td><td><${Bytes} bytes=${r.value} mode=${mode} /></td>
                  <td>${r.headers.map((h) => html`<div><b>${h.key}</b>: <${Bytes} bytes=${h.value} mode=${mode} /></div>`)}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
      : null}
  </section>`;
}
