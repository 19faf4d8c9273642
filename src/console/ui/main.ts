/*
 * The console page: a header with the broker's overview, tabs, and a hash router
 * (#/topics, #/topics/<name>, #/groups, #/apps) so that every view has a URL and reloads
 * land on the same view with no server-side routing.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { html } from './html.ts';
import { usePoll, type Overview } from './api.ts';
import { TopicPage, TopicsPage } from './topics-page.ts';
import { GroupsPage } from './groups-page.ts';
import { AppsPage } from './apps-page.ts';

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = (): void => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

function App() {
  const hash = useHash();
  const [showInternal, setShowInternal] = useState(false);
  const { data: overview, error } = usePoll<Overview>('/api/overview', 5000);
  const path = hash.replace(/^#/, '') || '/topics';
  const topic = /^\/topics\/(.+)$/.exec(path);
  const tab = path.startsWith('/groups') ? 'groups' : path.startsWith('/apps') ? 'apps' : 'topics';
  const page =
    topic !== null
      ? html`<${TopicPage} name=${decodeURIComponent(topic[1]!)} />`
      : tab === 'groups'
        ? html`<${GroupsPage} />`
        : tab === 'apps'
          ? html`<${AppsPage} />`
          : html`<${TopicsPage} showInternal=${showInternal} onToggleInternal=${() => setShowInternal(!showInternal)} />`;
  return html`<div class="layout">
    <header>
      <h1>Tributary</h1>
      ${overview !== undefined ? html`<span class="muted">broker ${overview.nodeId} · ${overview.bootstrap} · ${overview.connections} connections</span>` : null}
      ${error !== undefined ? html`<span class="error">broker unreachable: ${error}</span>` : null}
    </header>
    <nav>
      <a href="#/topics" class=${tab === 'topics' ? 'active' : ''}>Topics${overview !== undefined ? ` (${overview.topics})` : ''}</a>
      <a href="#/groups" class=${tab === 'groups' ? 'active' : ''}>Consumer groups${overview !== undefined ? ` (${overview.groups})` : ''}</a>
      <a href="#/apps" class=${tab === 'apps' ? 'active' : ''}>Applications${overview !== undefined ? ` (${overview.apps})` : ''}</a>
    </nav>
    <main>${page}</main>
  </div>`;
}

render(html`<${App} />`, document.getElementById('app')!);
