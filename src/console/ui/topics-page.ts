/* The topics list (with the produce-rate chart) and one topic's partitions and configs. */
import { html } from './html.ts';
import { formatBytes, usePoll, type TopicDetail, type TopicSummary } from './api.ts';
import { Chart } from './chart.ts';
import { MessageBrowser } from './message-browser-view.ts';

export function TopicsPage(props: { showInternal: boolean; onToggleInternal: () => void }) {
  const { data, error } = usePoll<TopicSummary[]>('/api/topics');
  const topics = (data ?? []).filter((t) => props.showInternal || !t.internal);
  return html`<div>
    <${Chart} title="Records in per second, by topic" prefix="topic-in:" unit="records/s" />
    <section class="card">
      <h2>Topics <label class="toggle"><input type="checkbox" checked=${props.showInternal} onChange=${props.onToggleInternal} /> internal</label></h2>
      ${error !== undefined ? html`<p class="error">${error}</p>` : null}
      <table class="topics">
        <thead><tr><th>Topic</th><th class="num">Partitions</th><th class="num">Records</th><th class="num">Size</th><th class="num">Produced</th><th class="num">Fetched</th></tr></thead>
        <tbody>
          ${topics.map(
            (t) => html`<tr data-topic=${t.name}>
              <td><a href=${`#/topics/${encodeURIComponent(t.name)}`}>${t.name}</a></td>
              <td class="num">${t.partitions}</td><td class="num" data-field="records">${t.records}</td><td class="num">${formatBytes(t.sizeBytes)}</td>
              <td class="num">${t.recordsIn}</td><td class="num">${t.recordsOut}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${data !== undefined && topics.length === 0 ? html`<p class="muted">No topics yet.</p>` : null}
    </section>
  </div>`;
}

export function TopicPage(props: { name: string }) {
  const { data, error } = usePoll<TopicDetail>(`/api/topics/${encodeURIComponent(props.name)}`);
  if (error !== undefined && data === undefined) return html`<p class="error">${error}</p>`;
  if (data === undefined) return html`<p class="muted">Loading…</p>`;
  return html`<div>
    <section class="card">
      <h2>Topic ${data.name}</h2>
      <p class="muted">id ${data.topicId} · ${data.partitions} partitions · ${data.records} records · ${formatBytes(data.sizeBytes)}</p>
      <table class="partitions">
        <thead><tr><th class="num">Partition</th><th class="num">Log start</th><th class="num">Log end</th><th class="num">High watermark</th><th class="num">Size</th><th class="num">Segments</th></tr></thead>
        <tbody>
          ${data.partitionDetails.map(
            (p) => html`<tr><td class="num">${p.partition}</td><td class="num">${p.logStartOffset}</td><td class="num">${p.logEndOffset}</td><td class="num">${p.highWatermark}</td><td class="num">${formatBytes(p.sizeBytes)}</td><td class="num">${p.segments}</td></tr>`,
          )}
        </tbody>
      </table>
    </section>
    <${MessageBrowser} topic=${data.name} partitions=${data.partitions} />
    <section class="card">
      <h3>Configs</h3>
      <table class="configs"><tbody>${data.configs.map((c) => html`<tr class=${c.source === 'default' ? 'muted' : ''}><td>${c.name}</td><td>${c.value}</td><td>${c.source}</td></tr>`)}</tbody></table>
    </section>
  </div>`;
}
