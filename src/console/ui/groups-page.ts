/* Consumer groups: state, members with their assignments, committed offsets and lag per partition, and the lag chart. */
import { html } from './html.ts';
import { usePoll, type GroupView } from './api.ts';
import { Chart } from './chart.ts';

export function GroupsPage() {
  const { data, error } = usePoll<GroupView[]>('/api/groups');
  return html`<div>
    <${Chart} title="Lag by consumer group" prefix="group-lag:" unit="records" />
    ${error !== undefined ? html`<p class="error">${error}</p>` : null}
    ${data !== undefined && data.length === 0 ? html`<section class="card"><p class="muted">No consumer groups yet.</p></section>` : null}
    ${(data ?? []).map(
      (g) => html`<section class="card group" data-group=${g.groupId}>
        <h2>${g.groupId} <span class=${`state ${g.state}`}>${g.state}</span></h2>
        <p class="muted">${g.members.length} member(s) · protocol ${g.protocolType || '–'}${g.protocol ? ` / ${g.protocol}` : ''} · total lag <b data-field="total-lag">${g.totalLag}</b></p>
        ${g.members.length > 0
          ? html`<table class="members"><thead><tr><th>Member</th><th>Client</th><th>Host</th><th>Assignment</th></tr></thead><tbody>
              ${g.members.map(
                (m) => html`<tr><td class="mono">${m.memberId}</td><td>${m.clientId}</td><td>${m.clientHost}</td>
                  <td>${m.assignment.map((a) => html`<div>${a.topic}: ${a.partitions.join(', ')}</div>`)}</td></tr>`,
              )}
            </tbody></table>`
          : null}
        <table class="offsets"><thead><tr><th>Topic</th><th class="num">Partition</th><th class="num">Committed</th><th class="num">Log end</th><th class="num">Lag</th><th>Owner</th></tr></thead><tbody>
          ${g.offsets.map(
            (o) => html`<tr data-tp=${`${o.topic}-${o.partition}`}><td>${o.topic}</td><td class="num">${o.partition}</td><td class="num">${o.committed}</td><td class="num">${o.logEndOffset ?? '–'}</td><td class="num" data-field="lag">${o.lag ?? '–'}</td><td class="mono">${o.owner ?? ''}</td></tr>`,
          )}
        </tbody></table>
      </section>`,
    )}
  </div>`;
}
