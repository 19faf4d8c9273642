/*
 * ApiVersions (key 18), served 0–3 (v3 flexible; its response header is always v0, which the
 * codec's header module handles). The list is built from the handler registry: every handler's
 * advertised range, min 0 everywhere (docs/protocol-coverage.md). A request above v3 never gets
 * here: the dispatcher answers it with UNSUPPORTED_VERSION and a v0 body (KIP-511). v4 (Kafka
 * 3.9+, same layout as v3) is not in the codec, so it is not served; no client we target needs it
 * (@platformatic/kafka 1.x always bootstraps with v3).
 *
 * v3 requests carry ClientSoftwareName/Version; Kafka validates them (INVALID_REQUEST 42 for an
 * empty name or characters outside [a-zA-Z0-9._-]); we do the same.
 *
 * Features (KIP-584, tagged fields of v3+): the one feature this broker has levels of,
 * `transaction.version` (KIP-1022; txn/txn-v2.ts), supported 0-2, finalized at the broker's
 * `transaction.version` option (default 2, as a new Kafka 4.0 cluster). A level of 0 is left out
 * of FinalizedFeatures, as Kafka does; FinalizedFeaturesEpoch is 0 (the features never change
 * while the broker runs; -1 would mean "unknown").
 */
import { ApiVersionsRequestSchema, ApiVersionsResponseSchema } from '../../protocol/messages/18-api-versions.ts';
import type { ApiVersionsRequest, ApiVersionsResponse } from '../../protocol/messages/18-api-versions.ts';
import type { Encodable } from '../../protocol/schema.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { defineHandler } from './handler.ts';
import { SUPPORTED_TRANSACTION_VERSIONS, TRANSACTION_VERSION_FEATURE } from '../txn/txn-v2.ts';

const SOFTWARE_RE = /^[a-zA-Z0-9](?:[a-zA-Z0-9._-]*[a-zA-Z0-9])?$/;

export const apiVersionsHandler = defineHandler<ApiVersionsRequest, Encodable<ApiVersionsResponse>>({
  apiKey: 18,
  name: 'ApiVersions',
  requestSchema: ApiVersionsRequestSchema,
  responseSchema: ApiVersionsResponseSchema,
  advertised: { min: 0, max: 3 },
  served: { min: 0, max: 3 },
  handle(ctx, req) {
    const apiKeys = ctx.broker.dispatcher.handlers.map((h) => ({
      apiKey: h.apiKey,
      minVersion: h.advertised.min,
      maxVersion: h.advertised.max,
    }));
    const invalidSoftware =
      ctx.apiVersion >= 3 && (!SOFTWARE_RE.test(req.clientSoftwareName) || !SOFTWARE_RE.test(req.clientSoftwareVersion));
    const level = ctx.broker.options.transaction.version;
    return {
      errorCode: invalidSoftware ? ErrorCode.INVALID_REQUEST : ErrorCode.NONE,
      apiKeys,
      throttleTimeMs: 0,
      supportedFeatures: [{ name: TRANSACTION_VERSION_FEATURE, minVersion: SUPPORTED_TRANSACTION_VERSIONS.min, maxVersion: SUPPORTED_TRANSACTION_VERSIONS.max }],
      finalizedFeaturesEpoch: 0n,
      finalizedFeatures: level > 0 ? [{ name: TRANSACTION_VERSION_FEATURE, maxVersionLevel: level, minVersionLevel: level }] : [],
    };
  },
});
