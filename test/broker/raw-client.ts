// Test helper: a bare Kafka connection on the project's codec, for sending exact (and broken)
// frames to a live broker, plus a minimal uncompressed record batch v2 builder.
import { connect, type Socket } from 'node:net';
import { decodeResponse, encodeRequest } from '../../src/protocol/frames.ts';
import type { ApiTypes, ImplementedApiKey } from '../../src/protocol/messages/index.ts';
import type { Encodable } from '../../src/protocol/schema.ts';
import { crc32c } from '../../src/util/crc32c.ts';

export class RawClient {
  private buf = Buffer.alloc(0);
  private readonly frames: Buffer[] = [];
  private waiters: (() => void)[] = [];
  private nextCorrelation = 1;
  closed = false;

  private constructor(
    readonly socket: Socket,
    private readonly clientId = 'raw-test',
  ) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      while (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readInt32BE(0)) {
        const n = this.buf.readInt32BE(0);
        this.frames.push(this.buf.subarray(4, 4 + n));
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

  static async connect(port: number, clientId = 'raw-test'): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    return new RawClient(socket, clientId);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private async until(pred: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  /** Sends raw bytes (already framed or deliberately broken). */
  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Next response frame (without the size prefix). */
  async nextFrame(timeoutMs?: number): Promise<Buffer> {
    await this.until(() => this.frames.length > 0 || this.closed, 'a response frame', timeoutMs);
    const f = this.frames.shift();
    if (f === undefined) throw new Error('connection closed before a response arrived');
    return f;
  }

  /** Resolves true once the broker closed the connection. */
  async waitClosed(timeoutMs = 10_000): Promise<boolean> {
    await this.until(() => this.closed, 'the connection to close', timeoutMs);
    return true;
  }

  /** Encodes, sends, and (unless noResponse) decodes the matching response. */
  send<K extends ImplementedApiKey>(apiKey: K, apiVersion: number, body: Encodable<ApiTypes[K]['request']>): number {
    const correlationId = this.nextCorrelation++;
    this.sendRaw(encodeRequest({ apiKey, apiVersion, correlationId, clientId: this.clientId }, body));
    return correlationId;
  }

  async request<K extends ImplementedApiKey>(
    apiKey: K,
    apiVersion: number,
    body: Encodable<ApiTypes[K]['request']>,
    timeoutMs?: number,
  ): Promise<ApiTypes[K]['response']> {
    const id = this.send(apiKey, apiVersion, body);
    const frame = await this.nextFrame(timeoutMs);
    const decoded = decodeResponse(apiKey, apiVersion, frame);
    if (decoded.correlationId !== id) throw new Error(`correlation id ${decoded.correlationId}, expected ${id}`);
    return decoded.body;
  }

  close(): void {
    this.socket.destroy();
  }
}

function zigzagVarint(n: number): number[] {
  let v = (n << 1) ^ (n >> 31);
  const out: number[] = [];
  v >>>= 0;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}

export interface TestRecord {
  key?: string | null;
  value: string | Buffer | null;
  timestampDelta?: number;
}

/** An uncompressed v2 batch (baseOffset 0, producerId -1) holding `records`, valid CRC. */
export function makeBatch(records: TestRecord[], baseTimestamp = Date.now()): Buffer {
  const recs = records.map((r, i) => {
    const key = r.key === undefined || r.key === null ? null : Buffer.from(r.key);
    const value = r.value === null ? null : Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
    const body = Buffer.from([
      0,
      ...zigzagVarint(r.timestampDelta ?? 0),
      ...zigzagVarint(i),
      ...zigzagVarint(key === null ? -1 : key.length),
      ...(key ?? []),
      ...zigzagVarint(value === null ? -1 : value.length),
      ...(value ?? []),
      ...zigzagVarint(0),
    ]);
    return Buffer.concat([Buffer.from(zigzagVarint(body.length)), body]);
  });
  const payload = Buffer.concat(recs);
  const batch = Buffer.alloc(61 + payload.length);
  batch.writeBigInt64BE(0n, 0);
  batch.writeInt32BE(batch.length - 12, 8);
  batch.writeInt32BE(-1, 12);
  batch.writeInt8(2, 16);
  batch.writeInt16BE(0, 21);
  batch.writeInt32BE(records.length - 1, 23);
  const maxDelta = Math.max(0, ...records.map((r) => r.timestampDelta ?? 0));
  batch.writeBigInt64BE(BigInt(baseTimestamp), 27);
  batch.writeBigInt64BE(BigInt(baseTimestamp + maxDelta), 35);
  batch.writeBigInt64BE(-1n, 43);
  batch.writeInt16BE(-1, 51);
  batch.writeInt32BE(-1, 53);
  batch.writeInt32BE(records.length, 57);
  payload.copy(batch, 61);
  batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
  return batch;
}

/** Splits a records buffer into its batches' [baseOffset, recordCount] pairs. */
export function batchOffsets(records: Buffer | null): { baseOffset: number; count: number }[] {
  const out: { baseOffset: number; count: number }[] = [];
  if (records === null) return out;
  let pos = 0;
  while (pos + 61 <= records.length) {
    const size = 12 + records.readInt32BE(pos + 8);
    if (pos + size > records.length) break;
    out.push({ baseOffset: Number(records.readBigInt64BE(pos)), count: records.readInt32BE(pos + 57) });
    pos += size;
  }
  return out;
}
