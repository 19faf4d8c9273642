/*
 * Options of the async operators (mapValuesAsync, flatMapValuesAsync, filterAsync,
 * processAsync), validated with zod so a bad value is rejected at topology-build time with the
 * field named.
 *
 *   concurrency  calls in flight per task and operator (default 16). It is also the backpressure
 *                limit: a task whose operator holds this many unemitted records takes no new
 *                input until one is emitted.
 *   ordered      true (default): records leave the operator in the order they entered it, so
 *                output order per partition equals input order. false: each key's records keep
 *                their order, records of different keys leave as soon as they complete.
 *   timeoutMs    one attempt's limit (default 30000); the attempt's AbortSignal fires then. It
 *                also bounds how long a commit, a rebalance or a close waits for the operator.
 *   retries      attempts after the first (default 0), after a failure or a timeout.
 *   backoffMs    wait before the first retry (default 100), doubling up to backoffMaxMs (5000).
 *   name         the processor's name instead of KSTREAM-MAPVALUES-ASYNC-<index> etc.
 *   onError      the processing exception handler for this operator; default the task's, else
 *                logAndFail (a failed call then stops the application, as a throwing mapValues).
 */
import { z } from 'zod';
import type { ProcessingExceptionHandler } from '../errors/processing-exception-handler.ts';
import { validateName } from '../dsl/options/named.ts';

export interface AsyncOptions {
  readonly concurrency?: number;
  readonly ordered?: boolean;
  readonly timeoutMs?: number;
  readonly retries?: number;
  readonly backoffMs?: number;
  readonly backoffMaxMs?: number;
  readonly name?: string;
  readonly onError?: ProcessingExceptionHandler;
}

export interface ResolvedAsyncOptions {
  readonly concurrency: number;
  readonly ordered: boolean;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly backoffMs: number;
  readonly backoffMaxMs: number;
  readonly name: string | undefined;
  readonly onError: ProcessingExceptionHandler | undefined;
}

export const ASYNC_DEFAULTS = { concurrency: 16, ordered: true, timeoutMs: 30_000, retries: 0, backoffMs: 100, backoffMaxMs: 5000 } as const;

const schema = z
  .object({
    concurrency: z.number().int().min(1).max(100_000).default(ASYNC_DEFAULTS.concurrency),
    ordered: z.boolean().default(ASYNC_DEFAULTS.ordered),
    timeoutMs: z.number().int().min(1).max(2_147_483_647).default(ASYNC_DEFAULTS.timeoutMs),
    retries: z.number().int().min(0).max(1000).default(ASYNC_DEFAULTS.retries),
    backoffMs: z.number().int().min(0).max(2_147_483_647).default(ASYNC_DEFAULTS.backoffMs),
    backoffMaxMs: z.number().int().min(0).max(2_147_483_647).default(ASYNC_DEFAULTS.backoffMaxMs),
    name: z.string().optional(),
    onError: z.custom<ProcessingExceptionHandler>((h) => typeof h === 'object' && h !== null && typeof (h as { handle?: unknown }).handle === 'function', 'expected a ProcessingExceptionHandler (ProcessingHandlers.logAndContinue() etc.)').optional(),
  })
  .strict();

/** Defaults applied and every field checked; throws naming the operator and the field. */
export function resolveAsyncOptions(operator: string, options: AsyncOptions | undefined): ResolvedAsyncOptions {
  const parsed = schema.safeParse(options ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || '(options)';
    throw new Error(`${operator}: invalid option "${field}": ${issue.message} (got ${JSON.stringify((options as Record<string, unknown> | undefined)?.[String(issue.path[0])])}).`);
  }
  const o = parsed.data;
  if (o.name !== undefined) validateName(o.name);
  return { ...o, name: o.name, onError: o.onError };
}

/** The longest one record can keep the operator busy: every attempt timing out, every backoff at its cap. */
export function worstCaseMs(o: ResolvedAsyncOptions): number {
  return (o.retries + 1) * o.timeoutMs + o.retries * o.backoffMaxMs;
}
