/*
 * The minimal fake broker behind capture.ts (run by hand, never by CI). It answers with the
 * project's codec just enough to walk a real client through producing and through a one-member
 * consumer group, and saves every request frame it sees (size prefix included) as
 * `<client>-<api>-v<version>.hex` next to this file, the first frame per client/API/version.
 *
 * What it answers (one broker, node 1; every topic has one partition, led by node 1; the log
 * holds one batch with two records at offsets 0-1):
 *   ApiVersions       the advertised table of docs/protocol-coverage.md (error 35 + v0 body for an unknown version)
 *   Metadata          every requested topic (or `golden`), controller = node 1
 *   Produce           offset 0 (no answer for acks=0)
 *   FindCoordinator   node 1           JoinGroup   the caller becomes the leader of generation 1
 *   SyncGroup         the leader's assignment for the caller (or an encoded empty one)
 *   OffsetFetch       nothing committed (-1)      ListOffsets  earliest 0, latest 2
 *   Fetch             the stored batch from offset 0; later fetches wait ≤ 200 ms, then empty
 *   Heartbeat / OffsetCommit / LeaveGroup   success
 * Requests on one connection are answered strictly in order (a parked Fetch delays the next).
 */
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { decodeRequest, encodeResponse } from '../../../src/protocol/frames.ts';
import type { DecodedRequest } from '../../../src/protocol/frames.ts';
import { UnsupportedVersionError } from '../../../src/protocol/protocol-errors.ts';
import { apiName } from '../../../src/protocol/api-keys.ts';
import { EMPTY_CONSUMER_ASSIGNMENT } from '../../../src/protocol/messages/consumer-protocol.ts';
import { buildRecordBatch } from '../../../src/protocol/records/record-batch.ts';

export const TOPIC = 'golden';
const NODE = 1;

/** docs/protocol-coverage.md: key → advertised max (min 0 everywhere). */
const ADVERTISED: Array<[number, number]> = [
  [18, 3], [3, 6], [0, 7], [1, 11], [2, 3], [10, 2], [11, 5], [14, 3], [12, 3], [13, 3], [8, 7], [9, 5],
  [15, 4], [16, 2], [42, 1], [19, 4], [20, 3], [22, 1], [24, 1], [25, 1], [26, 1], [28, 2],
];

/** The partition's whole log: one batch, offsets 0-1. */
const STORED = buildRecordBatch(
  [
    { key: Buffer.from('key-1'), value: Buffer.from('value-1'), timestamp: 1_700_000_000_000 },
    { key: Buffer.from('key-2'), value: Buffer.from('value-2'), timestamp: 1_700_000_000_001 },
  ],
  { baseOffset: 0, partitionLeaderEpoch: 0 },
);
const LOG_END = 2n;

function kebab(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
}

export interface FakeBroker {
  port: number;
  close(): Promise<void>;
}

export function startFakeBroker(client: string, dir: string): Promise<FakeBroker> {
  const saved = new Set<string>();
  const sockets = new Set<Socket>();
  let port = 0;

  function save(apiKey: number, version: number, whole: Buffer): void {
    const file = `${client}-${kebab(apiName(apiKey))}-v${version}.hex`;
    if (saved.has(file)) return;
    saved.add(file);
    writeFileSync(`${dir}/${file}`, whole.toString('hex') + '\n');
    console.log(`  saved ${file} (${whole.length} bytes)`);
  }

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    let queue: Promise<void> = Promise.resolve();
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const whole = Buffer.from(pending.subarray(0, 4 + pending.readInt32BE(0)));
        pending = pending.subarray(whole.length);
        // Strictly in order per connection: each answer waits for the previous one.
        queue = queue.then(() => answer(whole)).then(
          (out) => {
            if (out === 'close') socket.destroy();
            else if (out && !socket.destroyed) socket.write(out);
          },
          () => {
            socket.destroy();
          },
        );
      }
    });
  });

  async function answer(whole: Buffer): Promise<Buffer | null | 'close'> {
    let req: DecodedRequest;
    try {
      req = decodeRequest(whole.subarray(4));
    } catch (e) {
      if (e instanceof UnsupportedVersionError && e.apiKey === 18 && e.header) {
        return encodeResponse({ requestApiKey: 18, correlationId: e.header.correlationId }, 0, { errorCode: 35, apiKeys: [] });
      }
      console.log(`  cannot decode a ${whole.length}-byte frame: ${(e as Error).message}; closing`);
      return 'close';
    }
    save(req.apiKey, req.apiVersion, whole);
    const corr = req.header.correlationId;
    const v = req.apiVersion;
    switch (req.apiKey) {
      case 18:
        return encodeResponse({ requestApiKey: 18, correlationId: corr }, v, {
          errorCode: 0,
          apiKeys: ADVERTISED.map(([apiKey, maxVersion]) => ({ apiKey, minVersion: 0, maxVersion })),
        });
      case 3: {
        const names = req.body.topics === null || req.body.topics.length === 0 ? [TOPIC] : req.body.topics.map((t) => t.name ?? TOPIC);
        return encodeResponse({ requestApiKey: 3, correlationId: corr }, v, {
          brokers: [{ nodeId: NODE, host: '127.0.0.1', port, rack: null }],
          clusterId: 'golden-cluster',
          controllerId: NODE,
          topics: names.map((name) => ({
            errorCode: 0,
            name,
            isInternal: false,
            partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: NODE, leaderEpoch: 0, replicaNodes: [NODE], isrNodes: [NODE], offlineReplicas: [] }],
          })),
        });
      }
      case 0:
        if (req.body.acks === 0) return null;
        return encodeResponse({ requestApiKey: 0, correlationId: corr }, v, {
          responses: req.body.topicData.map((t) => ({
            name: t.name,
            partitionResponses: t.partitionData.map((p) => ({ index: p.index, errorCode: 0, baseOffset: 0n })),
          })),
        });
      case 10:
        return encodeResponse({ requestApiKey: 10, correlationId: corr }, v, { errorCode: 0, nodeId: NODE, host: '127.0.0.1', port });
      case 11: {
        const memberId = req.body.memberId || `${req.header.clientId ?? 'member'}-${randomUUID()}`;
        const chosen = req.body.protocols[0];
        return encodeResponse({ requestApiKey: 11, correlationId: corr }, v, {
          errorCode: 0,
          generationId: 1,
          protocolType: req.body.protocolType,
          protocolName: chosen?.name ?? '',
          leader: memberId,
          memberId,
          members: [{ memberId, groupInstanceId: req.body.groupInstanceId, metadata: chosen?.metadata ?? Buffer.alloc(0) }],
        });
      }
      case 14: {
        const own = req.body.assignments.find((a) => a.memberId === req.body.memberId);
        return encodeResponse({ requestApiKey: 14, correlationId: corr }, v, {
          errorCode: 0,
          assignment: own && own.assignment.length > 0 ? own.assignment : EMPTY_CONSUMER_ASSIGNMENT,
        });
      }
      case 9:
        return encodeResponse({ requestApiKey: 9, correlationId: corr }, v, {
          errorCode: 0,
          topics: (req.body.topics ?? []).map((t) => ({
            name: t.name,
            partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1n, metadata: '', errorCode: 0 })),
          })),
        });
      case 2:
        return encodeResponse({ requestApiKey: 2, correlationId: corr }, v, {
          topics: req.body.topics.map((t) => ({
            name: t.name,
            partitions: t.partitions.map((p) => {
              const offset = p.timestamp === -2n ? 0n : LOG_END;
              return { partitionIndex: p.partitionIndex, errorCode: 0, oldStyleOffsets: [offset], timestamp: -1n, offset };
            }),
          })),
        });
      case 1: {
        const fromStart = req.body.topics.some((t) => t.partitions.some((p) => p.fetchOffset === 0n));
        if (!fromStart) await new Promise((r) => setTimeout(r, Math.min(200, req.body.maxWaitMs)));
        return encodeResponse({ requestApiKey: 1, correlationId: corr }, v, {
          responses: req.body.topics.map((t) => ({
            topic: t.topic,
            partitions: t.partitions.map((p) => ({
              partitionIndex: p.partition,
              errorCode: 0,
              highWatermark: LOG_END,
              lastStableOffset: LOG_END,
              logStartOffset: 0n,
              abortedTransactions: [],
              records: p.fetchOffset === 0n ? STORED : null,
            })),
          })),
        });
      }
      case 12:
        return encodeResponse({ requestApiKey: 12, correlationId: corr }, v, { errorCode: 0 });
      case 8:
        return encodeResponse({ requestApiKey: 8, correlationId: corr }, v, {
          topics: req.body.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: 0 })) })),
        });
      case 13:
        return encodeResponse({ requestApiKey: 13, correlationId: corr }, v, {
          errorCode: 0,
          members: req.body.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: 0 })),
        });
      default:
        console.log(`  ${apiName(req.apiKey)} v${v} is not served by the capture broker; closing`);
        return 'close';
    }
  }

  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
