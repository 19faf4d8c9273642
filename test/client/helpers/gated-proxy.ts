/*
 * Test helper: a TCP proxy in front of a broker that can hold the broker's replies. A broker
 * advertising the proxy's port (`listeners: [{ …, advertisedPort: proxy.port }]`) sends every
 * client through it, so `hold()` makes the broker look slow — requests still reach it and are
 * appended, but no reply comes back — until `release()` forwards everything held, in order.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface GatedProxy {
  readonly port: number;
  /** The broker's real port (set once the broker is listening, before any client connects). */
  target: number;
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

export async function gatedProxy(): Promise<GatedProxy> {
  const sockets = new Set<Socket>();
  const held: Array<{ to: Socket; chunk: Buffer }> = [];
  let holding = false;
  const proxy: GatedProxy = {
    port: 0,
    target: 0,
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const { to, chunk } of held.splice(0)) if (!to.destroyed) to.write(chunk);
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server: Server = createServer((client) => {
    const upstream = connect(proxy.target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
      s.on('error', () => {});
    }
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      if (holding || held.length > 0) held.push({ to: client, chunk });
      else client.write(chunk);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  (proxy as { port: number }).port = (server.address() as { port: number }).port;
  return proxy;
}
