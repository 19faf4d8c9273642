// ACL codes, names and wire conversions (src/protocol/acl-types.ts, acl-wire.ts): what the broker
// handlers and the client's admin calls both rely on.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { AclOperation, AclPermission, PatternType, ResourceType, operationName, parseOperation, parsePatternType, parseResourceType, principalError, type AclBinding, type AclFilter } from '../../src/protocol/acl-types.ts';
import { bindingFromWire, bindingToWire, creationFromWire, creationToWire, filterFromWire, filterToWire } from '../../src/protocol/acl-wire.ts';

const code = <T extends Record<string, number>>(o: T) => fc.constantFrom(...(Object.values(o) as T[keyof T][]));
const binding: fc.Arbitrary<AclBinding> = fc.record({
  resourceType: code(ResourceType),
  resourceName: fc.string(),
  patternType: code(PatternType),
  principal: fc.string(),
  host: fc.string(),
  operation: code(AclOperation),
  permission: code(AclPermission),
});
const filter: fc.Arbitrary<AclFilter> = fc.record({
  resourceType: code(ResourceType),
  resourceName: fc.option(fc.string()),
  patternType: code(PatternType),
  principal: fc.option(fc.string()),
  host: fc.option(fc.string()),
  operation: code(AclOperation),
  permission: code(AclPermission),
});

describe('ACL wire conversions', () => {
  it('bindings, creations and filters survive a round trip', () => {
    fc.assert(
      fc.property(binding, filter, (b, f) => {
        expect(bindingFromWire(bindingToWire(b))).toEqual(b);
        expect(creationFromWire(creationToWire(b))).toEqual(b);
        expect(filterFromWire(filterToWire(f))).toEqual(f);
      }),
    );
  });

  it('carries the pattern type in the field each message names it by', () => {
    const b: AclBinding = { resourceType: ResourceType.TOPIC, resourceName: 'app-', patternType: PatternType.PREFIXED, principal: 'User:a', host: '*', operation: AclOperation.READ, permission: AclPermission.ALLOW };
    expect(creationToWire(b)).toMatchObject({ resourcePatternType: PatternType.PREFIXED, permissionType: AclPermission.ALLOW });
    expect(bindingToWire(b)).toMatchObject({ patternType: PatternType.PREFIXED });
  });
});

describe('ACL names', () => {
  it("parses kafka-acls.sh's spellings and Kafka's enum names to the same code", () => {
    for (const [name, op] of Object.entries(AclOperation)) {
      const camel = name.toLowerCase().replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase());
      expect(parseOperation(camel)).toBe(op);
      expect(parseOperation(name)).toBe(op);
      expect(operationName(op)).toBe(name);
    }
    expect(parseResourceType('transactional-id')).toBe(ResourceType.TRANSACTIONAL_ID);
    expect(parsePatternType('Prefixed')).toBe(PatternType.PREFIXED);
  });

  it('rejects unknown names and principals without a type, saying what was expected', () => {
    expect(() => parseOperation('Steal')).toThrow(/unknown operation "Steal"; expected one of .*READ/);
    expect(principalError('alice')).toMatch(/<type>:<name>/);
    expect(principalError('User:alice')).toBeNull();
  });
});
