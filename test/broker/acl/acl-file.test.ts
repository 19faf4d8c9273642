// ACL persistence (src/broker/acl/acl-file.ts): the file format, a damaged file, and ACLs
// surviving a broker restart.
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACL_FILE, AclFileCorruptError, loadAcls, saveAcls } from '../../../src/broker/acl/acl-file.ts';
import { AclOperation as Op, AclPermission as Perm, PatternType as Pat, ResourceType as Res, type AclBinding } from '../../../src/protocol/acl-types.ts';
import { startTestBroker } from '../../../src/testing/broker-harness.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { RawClient } from '../raw-client.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'tributary-acl-'));
  dirs.push(d);
  return d;
};
const acl: AclBinding = { resourceType: Res.TOPIC, resourceName: 'app-', patternType: Pat.PREFIXED, principal: 'User:alice', host: '*', operation: Op.ALL, permission: Perm.ALLOW };

describe('acls.json', () => {
  it('round-trips, written with names people can read', async () => {
    const dir = await tempDir();
    expect(await loadAcls(dir)).toEqual([]);
    await saveAcls(dir, [acl]);
    expect(await loadAcls(dir)).toEqual([acl]);
    expect(JSON.parse(await readFile(join(dir, ACL_FILE), 'utf8'))).toEqual({
      version: 1,
      acls: [{ resourceType: 'TOPIC', resourceName: 'app-', patternType: 'PREFIXED', principal: 'User:alice', host: '*', operation: 'ALL', permission: 'ALLOW' }],
    });
  });

  it('a damaged file is an error naming the file and the entry, never an empty ACL set', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, ACL_FILE), '{"version":1,"acls":[{"resourceType":"TOPIC","resourceName":"t","patternType":"LITERAL","principal":"User:a","host":"*","operation":"REED","permission":"ALLOW"}]}');
    await expect(loadAcls(dir)).rejects.toThrow(AclFileCorruptError);
    await expect(loadAcls(dir)).rejects.toThrow(/entry 0: unknown value "REED"/);
    await writeFile(join(dir, ACL_FILE), 'not json');
    await expect(loadAcls(dir)).rejects.toThrow(/not valid JSON/);
  });

  it('ACLs created over the wire survive a broker restart', async () => {
    const dataDir = await tempDir();
    const options = { dataDir, authorizer: { enabled: true, superUsers: ['User:admin'] }, deps: { principalOf: ({ clientId }: { clientId: string | null }) => `User:${clientId}` } };
    const first = await startTestBroker(options);
    const admin = await RawClient.connect(first.port, 'admin');
    const created = await admin.request(30, 2, {
      creations: [{ resourceType: Res.GROUP, resourceName: 'g', resourcePatternType: Pat.LITERAL, principal: 'User:alice', host: '*', operation: Op.READ, permissionType: Perm.ALLOW }],
    });
    expect(created.results[0]!.errorCode).toBe(0);
    admin.close();
    await first.stop();

    const second = await startTestBroker(options);
    try {
      const alice = await RawClient.connect(second.port, 'alice');
      const join = (groupId: string) =>
        alice.request(11, 5, { groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] });
      expect((await join('g')).errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
      expect((await join('other')).errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
      alice.close();
    } finally {
      await second.stop();
    }
  });
});
