import { describe, expect, it } from 'vitest';
import { startMetricsServer } from '../../src/metrics/metrics-http-server.ts';

describe('startMetricsServer', () => {
  it('serves /metrics, 404 elsewhere, 405 for POST, 500 when the scrape fails, and closes', async () => {
    let fail = false;
    const server = await startMetricsServer({ port: 0 }, async () => {
      if (fail) throw new Error('store closed');
      return '# TYPE x gauge\nx 1\n';
    });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/metrics`);
      const ok = await fetch(server.url);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toContain('version=0.0.4');
      expect(await ok.text()).toBe('# TYPE x gauge\nx 1\n');
      expect((await fetch(`http://127.0.0.1:${server.port}/other`)).status).toBe(404);
      expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
      fail = true;
      const bad = await fetch(server.url);
      expect(bad.status).toBe(500);
      expect(await bad.text()).toContain('store closed');
    } finally {
      await server.close();
    }
    await expect(fetch(server.url)).rejects.toThrow();
  });

  it('rejects a bad port naming it, and a port in use with the address', async () => {
    await expect(startMetricsServer({ port: 70000 }, async () => '')).rejects.toThrow(/port/);
    const first = await startMetricsServer({ port: 0 }, async () => '');
    try {
      await expect(startMetricsServer({ port: first.port }, async () => '')).rejects.toThrow(`cannot serve metrics on 127.0.0.1:${first.port}`);
    } finally {
      await first.close();
    }
  });
});
