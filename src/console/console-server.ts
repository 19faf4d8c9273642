/*
 * The web console's HTTP server, inside the broker process (Broker.start step 5c when
 * consolePort is set). Read-only: every route is a GET that reads broker state.
 *
 *   GET /, /app.js, /app.css                 the page (console-assets.ts)
 *   GET /api/overview                        broker id, bootstrap, counts
 *   GET /api/topics                          topics with partitions, records, sizes, traffic
 *   GET /api/topics/<name>                   one topic: partitions (offsets, sizes) and configs
 *   GET /api/topics/<name>/partitions/<p>/messages?offset=O&limit=N   the message browser
 *   GET /api/groups                          groups: members, assignments, lag per partition
 *   GET /api/apps                            running Tributary applications (app-directory.ts)
 *   GET /api/history                         throughput and lag over the last minutes
 * Other methods 405, unknown paths 404, bad parameters 400, each with a JSON { error }.
 * A failing handler answers 500 with its message; it never reaches the process.
 *
 * Bound to 127.0.0.1 unless told otherwise. It reads topics and groups without the Kafka
 * protocol, so without ACLs or SASL: on a secured broker it starts only when explicitly
 * allowed (options.ts: consoleOnSecuredBroker; docs/console.md). Requests whose Host header
 * names neither the bound address nor localhost are refused (403), so a web page elsewhere
 * cannot read it through DNS rebinding.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Broker } from '../broker/broker.ts';
import { AppDirectory } from './app-directory.ts';
import { ConsoleHistory } from './console-history.ts';
import { listGroups, listTopics, topicDetail } from './console-state.ts';
import { browseMessages, BrowseError } from './message-browser.ts';
import { CONSOLE_FILES, defaultAssetsDir } from './console-assets.ts';

export interface ConsoleServerOptions {
  readonly port: number;
  readonly host?: string | undefined;
  /** Directory with index.html, app.js, app.css; default: the package's dist/console-ui. */
  readonly assetsDir?: string | undefined;
  /** Chart sampling; default every 2 s, 10 minutes kept. */
  readonly sampleIntervalMs?: number;
  readonly samples?: number;
}

export interface ConsoleServer {
  readonly port: number;
  readonly host: string;
  /** "http://host:port/" */
  readonly url: string;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, head: boolean): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(head ? undefined : text);
}

function intParam(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) throw new HttpError(400, `${name} must be an integer (got "${raw}")`);
  return Number(raw);
}

function allowedHost(header: string | undefined, bound: string, port: number): boolean {
  if (header === undefined) return true; // HTTP/1.0 clients (curl -0); browsers always send it
  const names = new Set([`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `${bound.includes(':') ? `[${bound}]` : bound}:${port}`]);
  return names.has(header.toLowerCase()) || bound === '0.0.0.0' || bound === '::';
}

export async function startConsoleServer(broker: Broker, options: ConsoleServerOptions): Promise<ConsoleServer> {
  const host = options.host ?? '127.0.0.1';
  const assetsDir = options.assetsDir ?? defaultAssetsDir();
  const apps = new AppDirectory(broker);
  const intervalMs = options.sampleIntervalMs ?? 2000;
  const history = new ConsoleHistory({ capacity: options.samples ?? 300, intervalMs });
  const sample = async (): Promise<void> => {
    await apps.refresh();
    history.sample(Date.now(), { topics: listTopics(broker), groups: listGroups(broker), apps: apps.apps(Date.now()) });
  };
  const sampler = setInterval(() => void sample().catch((e: unknown) => broker.logger.debug(`console sample failed: ${(e as Error).message}`)), intervalMs);
  sampler.unref();

  const api = async (path: string, url: URL): Promise<unknown> => {
    if (path === '/api/overview') {
      await apps.refresh();
      return {
        nodeId: broker.nodeId,
        bootstrap: broker.bootstrap,
        topics: broker.topics.list().length,
        groups: listGroups(broker).length,
        apps: apps.apps(Date.now()).length,
        connections: broker.connectionCount,
      };
    }
    if (path === '/api/topics') return listTopics(broker);
    if (path === '/api/groups') return listGroups(broker);
    if (path === '/api/apps') {
      await apps.refresh();
      return apps.apps(Date.now());
    }
    if (path === '/api/history') return history.view();
    const m = /^\/api\/topics\/([^/]+)(?:\/partitions\/([^/]+)\/messages)?$/.exec(path);
    if (m !== null) {
      const topic = decodeURIComponent(m[1]!);
      if (m[2] === undefined) {
        const detail = topicDetail(broker, topic);
        if (detail === undefined) throw new HttpError(404, `no topic named "${topic}"`);
        return detail;
      }
      if (!/^\d+$/.test(m[2])) throw new HttpError(400, `partition must be a non-negative integer (got "${m[2]}")`);
      return browseMessages(broker, topic, Number(m[2]), intParam(url, 'offset', 0), intParam(url, 'limit', 50));
    }
    throw new HttpError(404, `no API route ${path}`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, port: number): Promise<void> => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' }).end(JSON.stringify({ error: 'the console is read-only: GET only' }));
      return;
    }
    if (!allowedHost(req.headers.host, host, port)) {
      sendJson(res, 403, { error: `Host ${req.headers.host} is not this console's address` }, head);
      return;
    }
    // Joined, not resolved: a path such as //api/x must stay a path, not become a host.
    const url = new URL(`http://console${(req.url ?? '/').startsWith('/') ? '' : '/'}${req.url ?? '/'}`);
    if (url.pathname.startsWith('/api/')) {
      try {
        sendJson(res, 200, await api(url.pathname, url), head);
      } catch (e) {
        const status = e instanceof HttpError || e instanceof BrowseError ? e.status : 500;
        sendJson(res, status, { error: e instanceof Error ? e.message : String(e) }, head);
      }
      return;
    }
    const asset = CONSOLE_FILES[url.pathname];
    if (asset === undefined) {
      sendJson(res, 404, { error: `no ${url.pathname} here; the console is at /` }, head);
      return;
    }
    if (assetsDir === undefined) throw new Error('console assets not found');
    let body: Buffer;
    try {
      body = await readFile(join(assetsDir, asset.file));
    } catch {
      res
        .writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
        .end(`The console page is not built (${join(assetsDir, asset.file)} is missing): run \`npm run build\`. The JSON API under /api/ works without it.\n`);
      return;
    }
    res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-cache' }).end(head ? undefined : body);
  };

  let boundPort = 0;
  const server: Server = createServer((req, res) => {
    handle(req, res, boundPort).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: e instanceof Error ? e.message : String(e) }, false);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(new Error(`cannot serve the console on ${host}:${options.port}: ${err.message}`));
    server.once('error', onError);
    server.listen(options.port, host, () => {
      server.off('error', onError);
      resolve();
    });
  }).catch((e: unknown) => {
    clearInterval(sampler);
    throw e;
  });
  server.keepAliveTimeout = 5000;
  boundPort = (server.address() as AddressInfo).port;
  void sample().catch(() => undefined);
  return {
    port: boundPort,
    host,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}/`,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(sampler);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
