import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { API_REGISTRY, isFlexibleVersion } from '../../../src/protocol/messages/index.ts';
import type { ImplementedApiKey } from '../../../src/protocol/messages/index.ts';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../../src/protocol/frames.ts';
import {
  ConsumerProtocolAssignmentSchema,
  ConsumerProtocolSubscriptionSchema,
} from '../../../src/protocol/messages/consumer-protocol.ts';
import { compile, decodeMessage, encodeMessage } from '../../../src/protocol/schema.ts';
import type { MessageDef } from '../../../src/protocol/schema.ts';
import { messageArbitrary } from '../schema-arbitrary.ts';

function roundTrips(def: MessageDef, version: number, numRuns: number): void {
  fc.assert(
    fc.property(messageArbitrary(def, version), (value) => {
      const bytes = encodeMessage(def, version, value);
      expect(decodeMessage(def, version, bytes)).toEqual(value);
      // Re-encoding the decoded object gives the same bytes.
      expect(encodeMessage(def, version, decodeMessage(def, version, bytes)).equals(bytes)).toBe(true);
    }),
    { numRuns },
  );
}

describe('every message round-trips at every version (encode → decode → deep equal)', () => {
  for (const api of API_REGISTRY.values()) {
    it(`${api.name} (key ${api.apiKey}) requests and responses, v${api.minVersion}-${api.maxVersion}`, () => {
      for (let v = api.minVersion; v <= api.maxVersion; v++) {
        roundTrips(api.request, v, 25);
        roundTrips(api.response, v, 25);
      }
    });
  }
  it('consumer protocol subscription and assignment, v0-3', () => {
    for (let v = 0; v <= 3; v++) {
      roundTrips(ConsumerProtocolSubscriptionSchema, v, 50);
      roundTrips(ConsumerProtocolAssignmentSchema, v, 50);
    }
  });
});

describe('whole frames round-trip for every API version (header version chosen per API)', () => {
  for (const api of API_REGISTRY.values()) {
    it(`${api.name} frames`, () => {
      const key = api.apiKey as ImplementedApiKey;
      for (let v = api.minVersion; v <= api.maxVersion; v++) {
        fc.assert(
          fc.property(messageArbitrary(api.request, v), messageArbitrary(api.response, v), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (req, res, corr) => {
            const reqFrame = encodeRequest({ apiKey: key, apiVersion: v, correlationId: corr, clientId: 'c' }, req as never);
            const decoded = decodeRequest(reqFrame.subarray(4));
            expect(decoded.apiKey).toBe(key);
            expect(decoded.header).toEqual({ requestApiKey: key, requestApiVersion: v, correlationId: corr, clientId: 'c' });
            expect(decoded.body).toEqual(req);
            const resFrame = encodeResponse({ requestApiKey: key, correlationId: corr }, v, res as never);
            expect(decodeResponse(key, v, resFrame.subarray(4))).toEqual({ correlationId: corr, body: res });
          }),
          { numRuns: 5 },
        );
      }
    });
  }
});

describe('registry', () => {
  it('covers every version of every API the brief lists', () => {
    const expected: Record<number, [number, number]> = {
      0: [0, 12], 1: [0, 16], 2: [0, 8], 3: [0, 12], 8: [0, 9], 9: [0, 9], 10: [0, 5], 11: [0, 9],
      12: [0, 4], 13: [0, 5], 14: [0, 5], 15: [0, 5], 16: [0, 5], 17: [0, 1], 18: [0, 3], 19: [0, 7],
      20: [0, 6], 21: [0, 1], 22: [0, 5], 24: [0, 5], 25: [0, 4], 26: [0, 5], 28: [0, 5], 29: [0, 3], 30: [0, 3],
      31: [0, 3], 32: [0, 2], 35: [0, 4], 36: [0, 2], 37: [0, 3], 42: [0, 2], 50: [0, 0], 51: [0, 0], 61: [0, 0], 65: [0, 0], 66: [0, 1],
    };
    const actual = Object.fromEntries([...API_REGISTRY.values()].map((d) => [d.apiKey, [d.minVersion, d.maxVersion]]));
    expect(actual).toEqual(expected);
  });

  it('knows the first flexible version of each API', () => {
    expect(API_REGISTRY.get(18)!.firstFlexibleVersion).toBe(3);
    expect(API_REGISTRY.get(1)!.firstFlexibleVersion).toBe(12);
    expect(API_REGISTRY.get(32)!.firstFlexibleVersion).toBeNull();
    expect(API_REGISTRY.get(21)!.firstFlexibleVersion).toBeNull();
    expect(API_REGISTRY.get(37)!.firstFlexibleVersion).toBe(2);
    expect(isFlexibleVersion(3, 9)).toBe(true);
    expect(isFlexibleVersion(3, 8)).toBe(false);
    expect(isFlexibleVersion(32, 1)).toBe(false);
  });

  it('compiles each version once and reuses the plan', () => {
    const api = API_REGISTRY.get(0)!;
    expect(compile(api.request, 7)).toBe(compile(api.request, 7));
  });

  it('refuses a version outside the valid range', () => {
    const api = API_REGISTRY.get(18)!;
    expect(() => compile(api.request, 4)).toThrow(/version 4 is not supported/);
  });
});
