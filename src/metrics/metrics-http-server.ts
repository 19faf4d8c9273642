/*
 * The `/metrics` HTTP endpoint (Prometheus text format) shared by the broker and KafkaStreams.
 *
 *   GET /metrics   200, the Prometheus text of `scrape()`, prom-client's content type
 *   GET /          200, a one-line pointer to /metrics
 *   anything else  404 (405 for methods other than GET/HEAD)
 * A failing scrape answers 500 with the error message; it never reaches the process.
 * Bound to 127.0.0.1 unless told otherwise: metrics are not for the open internet by default.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface MetricsServerOptions {
  /** TCP port; 0 = any free port. */
  readonly port: number;
  /** Address to bind; default 127.0.0.1. */
  readonly host?: string;
}

export interface MetricsServer {
  readonly port: number;
  readonly host: string;
  /** "http://host:port/metrics" */
  readonly url: string;
  close(): Promise<void>;
}


/** Starts the endpoint; rejects with a message naming the port when it cannot listen. */
export async function startMetricsServer(options: MetricsServerOptions, scrape: () => Promise<string>): Promise<MetricsServer> {
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new Error(`invalid metrics server options: port must be an integer in 0..65535 (got ${JSON.stringify(options.port)})`);
  }
  if (options.host !== undefined && (typeof options.host !== 'string' || options.host.length === 0)) {
    throw new Error(`invalid metrics server options: host must be a non-empty address (got ${JSON.stringify(options.host)})`);
  }
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('Tributary metrics: GET /metrics (Prometheus text format)\n');
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`no ${path} here; metrics are at /metrics\n`);
      return;
    }
    scrape().then(
      (text) => res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(req.method === 'HEAD' ? undefined : text),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics scrape failed: ${err instanceof Error ? err.message : String(err)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(new Error(`cannot serve metrics on ${host}:${options.port}: ${err.message}`));
    server.once('error', onError);
    server.listen(options.port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  // Scrapers keep connections alive; they must not hold the process (or close()) open.
  server.keepAliveTimeout = 5000;
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    host,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
