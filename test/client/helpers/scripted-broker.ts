/*
 * Test helper: a TCP server that decodes each request with the project's codec and hands it to a
 * script, which answers (or not) as the test needs — wrong correlation ids, refused versions,
 * hand-built fetch responses. Used to drive the wire client into cases a correct broker never
 * produces.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { decodeRequest, encodeResponse } from '../../../src/protocol/frames.ts';

export type Decoded = ReturnType<typeof decodeRequest>;

export interface ScriptedBroker {
  server: Server;
  port: number;
  /** Every request received, in order. */
  seen: Decoded[];
  close(): Promise<void>;
}

export async function scriptedBroker(reply: (req: Decoded, socket: Socket) => void): Promise<ScriptedBroker> {
  const seen: Decoded[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buf = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const size = buf.readInt32BE(0);
        const req = decodeRequest(buf.subarray(4, 4 + size));
        buf = buf.subarray(4 + size);
        seen.push(req);
        reply(req, socket);
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('scripted broker has no port');
  return {
    server,
    port: addr.port,
    seen,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export const DEFAULT_API_TABLE = [
  { apiKey: 18, minVersion: 0, maxVersion: 3 },
  { apiKey: 3, minVersion: 0, maxVersion: 6 },
  { apiKey: 2, minVersion: 0, maxVersion: 3 },
  { apiKey: 1, minVersion: 0, maxVersion: 11 },
  { apiKey: 0, minVersion: 0, maxVersion: 7 },
];

export function answerApiVersions(req: Decoded, socket: Socket, table = DEFAULT_API_TABLE): void {
  socket.write(encodeResponse({ requestApiKey: 18, correlationId: req.header.correlationId }, req.apiVersion, { errorCode: 0, apiKeys: table, throttleTimeMs: 0 }));
}
