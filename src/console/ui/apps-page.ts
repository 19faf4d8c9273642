/*
 * Running Tributary applications, from the status records they publish (app-directory.ts):
 * per application its topology drawn, its instances with state, task placement, rates and lag,
 * and its processing-rate chart.
 */
import { html } from './html.ts';
import { formatRate, usePoll, type AppView } from './api.ts';
import { Chart } from './chart.ts';
import { TopologyView } from './topology-view.ts';

export function AppsPage() {
  const { data, error } = usePoll<AppView[]>('/api/apps');
  return html`<div>
    ${error !== undefined ? html`<p class="error">${error}</p>` : null}
    ${data !== undefined && data.length === 0
      ? html`<section class="card"><p class="muted">No running Tributary application has published its status (topic __tributary_apps). Applications publish every 5 s unless started with appStatus: { enabled: false }.</p></section>`
      : null}
    ${(data ?? []).map((app) => {
      const first = app.instances[0]!;
      return html`<section class="card app" data-app=${app.applicationId}>
        <h2>${app.applicationId}</h2>
        <p class="muted">${app.instances.length} instance(s) · ${formatRate(app.processRate)} · ${app.processedTotal} records processed · lag <b data-field="lag">${app.totalLag}</b></p>
        <table class="instances"><thead><tr><th>Process</th><th>Host</th><th>State</th><th>Active tasks</th><th>Standby tasks</th><th class="num">Process rate</th><th class="num">Commit rate</th><th class="num">Latency avg</th></tr></thead><tbody>
          ${app.instances.map(
            (i) => html`<tr><td class="mono">${i.processId.slice(0, 8)}</td><td>${i.host} (pid ${i.pid})</td><td><span class=${`state ${i.state}`}>${i.state}</span></td>
              <td data-field="active-tasks">${i.tasks.active.join(', ')}</td><td>${i.tasks.standby.join(', ')}</td>
              <td class="num">${formatRate(i.rates.processRate)}</td><td class="num">${formatRate(i.rates.commitRate)}</td>
              <td class="num">${i.rates.processLatencyAvgMs === null ? '–' : `${i.rates.processLatencyAvgMs.toFixed(2)} ms`}</td></tr>`,
          )}
        </tbody></table>
        ${first.lag.length > 0
          ? html`<details><summary>Lag per input partition</summary><table><tbody>${app.instances.flatMap((i) => i.lag.map((l) => html`<tr><td>${l.topic}</td><td class="num">${l.partition}</td><td class="num">${l.lag}</td></tr>`))}</tbody></table></details>`
          : null}
        <h3>Topology</h3>
        <${TopologyView} graph=${first.topology.graph} mermaid=${first.topology.mermaid} />
        <${Chart} title="Records processed per second" prefix="app-rate:" only=${app.applicationId} unit="records/s" />
      </section>`;
    })}
  </div>`;
}
