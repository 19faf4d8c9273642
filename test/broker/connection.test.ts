// Framing, ordering and containment of src/broker/connection.ts through a real TCP server with a
// tiny frame handler (no Kafka codec involved): the payload of each frame is an ASCII command.
import { describe, it, expect, afterEach } from 'vitest';
import { connect, type Socket } from 'node:net';
import { ConnectionSecurity } from '../../src/broker/security/connection-security.ts';
import { BrokerServer, type ServerOptions } from '../../src/broker/server.ts';
import { closeConnection, deferred, NO_REPLY, reply, type FrameHandler } from '../../src/broker/connection.ts';

const silent = { warn: () => undefined, debug: () => undefined };

function frame(text: string): Buffer {
  const body = Buffer.from(text);
  const out = Buffer.alloc(4 + body.length);
  out.writeInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

function replyFrame(text: string): Buffer[] {
  const f = frame(text);
  return [f.subarray(0, 4), f.subarray(4)];
}

/** Handler: "echo:X" replies X, "slow:X:ms" replies X after ms (deferred), "park:X:ms" blocks the
 * connection for ms then replies, "none" replies nothing, "close" closes, "throw" throws. */
const handler: FrameHandler = async (f) => {
  const [cmd, arg = '', ms = '0'] = f.toString().split(':');
  switch (cmd) {
    case 'echo':
      return reply(replyFrame(arg));
    case 'slow':
      return deferred(new Promise((r) => setTimeout(() => r(frame(arg)), Number(ms))));
    case 'park':
      await new Promise((r) => setTimeout(r, Number(ms)));
      return reply(frame(arg));
    case 'none':
      return NO_REPLY;
    case 'close':
      return closeConnection('asked to close');
    default:
      throw new Error(`handler blew up on ${cmd}`);
  }
};

class Client {
  readonly replies: string[] = [];
  closed = false;
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      while (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readInt32BE(0)) {
        const n = this.buf.readInt32BE(0);
        this.replies.push(this.buf.subarray(4, 4 + n).toString());
        this.buf = this.buf.subarray(4 + n);
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }
  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
  async until(pred: () => boolean): Promise<void> {
    while (!pred()) await new Promise<void>((r) => this.waiters.push(r));
  }
}

let server: BrokerServer | undefined;

function serverOptions(port: number): ServerOptions {
  return {
    listeners: [
      {
        config: { name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: '127.0.0.1', port, advertisedHost: '127.0.0.1', advertisedPort: 0 },
        tls: null,
      },
    ],
    security: (l) => new ConnectionSecurity(l.name, l.securityProtocol, null, null),
    maxFrameBytes: 1024,
    idleMs: 0,
    maxConnections: 1000,
    maxConnectionsPerIp: 1000,
    maxQueuedResponseBytesPerConnection: 1024 * 1024,
    maxQueuedResponseBytes: 64 * 1024 * 1024,
  };
}
const clients: Client[] = [];

async function start(): Promise<BrokerServer> {
  server = new BrokerServer(serverOptions(0), handler, silent);
  await server.listen();
  return server;
}

async function client(port: number): Promise<Client> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  const c = new Client(socket);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.destroy();
  await server?.close();
  server = undefined;
});

describe('Connection', () => {
  it('replies in request order even when an earlier reply is deferred longer', async () => {
    const s = await start();
    const c = await client(s.port);
    c.socket.write(Buffer.concat([frame('slow:a:60'), frame('echo:b'), frame('slow:c:5'), frame('none'), frame('echo:d')]));
    await c.until(() => c.replies.length === 4);
    expect(c.replies).toEqual(['a', 'b', 'c', 'd']);
  });

  it('reassembles frames split across TCP chunks, byte by byte', async () => {
    const s = await start();
    const c = await client(s.port);
    const bytes = Buffer.concat([frame('echo:first'), frame('echo:second')]);
    for (const b of bytes) {
      c.socket.write(Buffer.from([b]));
      await new Promise((r) => setImmediate(r));
    }
    await c.until(() => c.replies.length === 2);
    expect(c.replies).toEqual(['first', 'second']);
  });

  it('a parked request blocks only its own connection', async () => {
    const s = await start();
    const parked = await client(s.port);
    const other = await client(s.port);
    parked.socket.write(Buffer.concat([frame('park:late:300'), frame('echo:after')]));
    other.socket.write(frame('echo:other'));
    await other.until(() => other.replies.length === 1);
    expect(parked.replies).toEqual([]);
    await parked.until(() => parked.replies.length === 2);
    expect(parked.replies).toEqual(['late', 'after']);
  });

  it.each([
    ['negative size', Buffer.from([0xff, 0xff, 0xff, 0xf0])],
    ['size above maxFrameBytes', Buffer.from([0x00, 0x10, 0x00, 0x00])],
  ])('closes the connection on a %s, and other connections keep working', async (_name, bytes) => {
    const s = await start();
    const bad = await client(s.port);
    const good = await client(s.port);
    bad.socket.write(bytes);
    await bad.until(() => bad.closed);
    good.socket.write(frame('echo:still-here'));
    await good.until(() => good.replies.length === 1);
    expect(good.replies).toEqual(['still-here']);
  });

  it('a throwing handler closes only that connection', async () => {
    const s = await start();
    const bad = await client(s.port);
    const good = await client(s.port);
    bad.socket.write(Buffer.concat([frame('echo:before'), frame('throw'), frame('echo:never')]));
    await bad.until(() => bad.closed);
    expect(bad.replies).toEqual(['before']);
    good.socket.write(frame('echo:ok'));
    await good.until(() => good.replies.length === 1);
    expect(good.replies).toEqual(['ok']);
  });

  it('a close outcome first sends the replies queued before it', async () => {
    const s = await start();
    const c = await client(s.port);
    c.socket.write(Buffer.concat([frame('slow:x:30'), frame('close'), frame('echo:never')]));
    await c.until(() => c.closed);
    expect(c.replies).toEqual(['x']);
  });

  it('close() stops the listener and drops live connections', async () => {
    const s = await start();
    const c = await client(s.port);
    expect(s.connectionCount).toBe(1);
    await s.close();
    server = undefined;
    await c.until(() => c.closed);
    expect(c.closed).toBe(true);
  });
});

describe('BrokerServer.listen', () => {
  it('reports a port in use with its system error code', async () => {
    const s = await start();
    const second = new BrokerServer(serverOptions(s.port), handler, silent);
    await expect(second.listen()).rejects.toMatchObject({ code: 'EADDRINUSE', message: expect.stringMatching(/cannot listen on 127.0.0.1/) });
    await second.close();
  });
});
