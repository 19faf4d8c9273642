/*
 * A time-series chart of /api/history series (uPlot). `prefix` picks the series
 * ("topic-in:", "group-lag:", "app-rate:"); each becomes one line labelled without the prefix.
 * The plot is rebuilt when the set of series changes and otherwise fed new data in place.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { html } from './html.ts';
import { usePoll, type HistoryView } from './api.ts';

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

export function Chart(props: { title: string; prefix: string; unit: string; only?: string }) {
  const { data } = usePoll<HistoryView>('/api/history', 2000);
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<{ u: uPlot; keys: string } | undefined>(undefined);
  const names = data === undefined ? [] : Object.keys(data.series).filter((k) => k.startsWith(props.prefix) && (props.only === undefined || k === props.prefix + props.only)).sort();
  useEffect(() => {
    if (data === undefined || box.current === null) return;
    const keys = names.join('\n');
    const aligned: uPlot.AlignedData = [data.times.map((t) => t / 1000), ...names.map((n) => data.series[n]!.map((v) => v))];
    if (plot.current === undefined || plot.current.keys !== keys) {
      plot.current?.u.destroy();
      const opts: uPlot.Options = {
        width: Math.max(320, box.current.clientWidth || 640),
        height: 180,
        series: [{}, ...names.map((n, i) => ({ label: n.slice(props.prefix.length), stroke: COLORS[i % COLORS.length]!, width: 2, spanGaps: false }))],
        axes: [{}, { label: props.unit, size: 60 }],
        legend: { show: true },
      };
      plot.current = { u: new uPlot(opts, aligned, box.current), keys };
    } else {
      plot.current.u.setData(aligned);
    }
  });
  useEffect(() => () => plot.current?.u.destroy(), []);
  return html`<section class="card chart" data-chart=${props.prefix}>
    <h3>${props.title}</h3>
    ${names.length === 0 ? html`<p class="muted">No data yet: samples are taken every 2 s.</p>` : null}
    <div ref=${box}></div>
  </section>`;
}
