/*
 * A stand-in for a remote fraud-scoring service: an HTTP server on 127.0.0.1 (ephemeral port,
 * in this process, no network) that answers POST /score {cardId, amount, merchant} with
 * {score} after a few milliseconds, as a model server behind a load balancer would.
 *
 * The score is a fixed function of the payment, so the example's output is reproducible:
 * amount / 1000, plus 0.3 for merchant categories that card thieves favour, capped at 1.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

const RISKY_MERCHANTS = new Set(['electronics', 'gift-cards', 'jewellery']);
const LATENCY_MS = 3;

const ScoreRequest = z.object({ cardId: z.string(), amount: z.number(), merchant: z.string() });
export type ScoreRequest = z.output<typeof ScoreRequest>;

export function riskScore(p: ScoreRequest): number {
  // Two decimals, as a model server would report it (and so 0.6 + 0.3 compares equal to 0.9).
  return Math.round(Math.min(1, p.amount / 1000 + (RISKY_MERCHANTS.has(p.merchant) ? 0.3 : 0)) * 100) / 100;
}

export interface ScoringService {
  readonly url: string;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST' || req.url !== '/score') {
    res.writeHead(404).end();
    return;
  }
  const parsed = ScoreRequest.safeParse(JSON.parse((await readBody(req)) || 'null'));
  if (!parsed.success) {
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: parsed.error.issues[0]?.message }));
    return;
  }
  await new Promise((r) => setTimeout(r, LATENCY_MS));
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ score: riskScore(parsed.data) }));
}

/** Starts the service on 127.0.0.1 and an ephemeral port. */
export async function startScoringService(): Promise<ScoringService> {
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(400).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/score`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Asks the service at `url` for a payment's score; `signal` aborts the request (operator timeout). */
export async function fetchScore(url: string, request: ScoreRequest, signal: AbortSignal): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request), signal });
  if (!res.ok) throw new Error(`scoring service answered ${res.status}`);
  return z.object({ score: z.number() }).parse(await res.json()).score;
}
