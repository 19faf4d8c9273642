/*
 * `tributary acls list|create|delete` against a live broker with its authorizer on, through the
 * command's commander registration and the wire client (src/client/acl-admin.ts). The CLI's
 * client id (tributary-cli) is mapped to the super user by the test-only principal hook.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';
import { runCommand } from './run-command.ts';
import { registerAclsCommands } from '../../../src/cli/commands/acls.ts';
import { WireCluster } from '../../../src/client/cluster.ts';
import { describeAcls } from '../../../src/client/acl-admin.ts';
import { KafkaResponseError } from '../../../src/client/errors.ts';

const run = (args: string[]): Promise<string> => runCommand(registerAclsCommands, args);

describe('tributary acls', () => {
  let tb: TestBroker;
  let open: TestBroker | undefined;
  beforeAll(async () => {
    tb = await startTestBroker({
      authorizer: { enabled: true, superUsers: ['User:tributary-cli'] },
      deps: { principalOf: ({ clientId }) => `User:${clientId}` },
    });
  });
  afterAll(async () => {
    await tb.stop();
    await open?.stop();
  });

  it('creates, lists and deletes ACLs', async () => {
    const bs = ['--bootstrap-server', tb.bootstrap];
    const created = await run(['acls', 'create', ...bs, '--allow-principal', 'User:app', '--operation', 'All', '--topic', 'app-', '--group', 'app-', '--resource-pattern-type', 'prefixed']);
    expect(created).toContain('Created 2 ACLs');
    await run(['acls', 'create', ...bs, '--deny-principal', 'User:app', '--operation', 'Delete', '--topic', 'app-keep']);
    const listed = await run(['acls', 'list', ...bs]);
    expect(listed.split('\n')[0]).toMatch(/^RESOURCE-TYPE\s+NAME\s+PATTERN\s+PRINCIPAL\s+HOST\s+OPERATION\s+PERMISSION$/);
    expect(listed).toMatch(/TOPIC\s+app-\s+PREFIXED\s+User:app\s+\*\s+ALL\s+ALLOW/);
    expect(listed).toMatch(/TOPIC\s+app-keep\s+LITERAL\s+User:app\s+\*\s+DELETE\s+DENY/);
    // A MATCH filter lists every ACL that applies to a name.
    const applying = await run(['acls', 'list', ...bs, '--topic', 'app-keep', '--resource-pattern-type', 'match']);
    expect(applying.trim().split('\n')).toHaveLength(3);
    const deleted = await run(['acls', 'delete', ...bs, '--topic', 'app-', '--resource-pattern-type', 'prefixed']);
    expect(deleted).toContain('Deleted 1 ACL:');
    const cluster = new WireCluster({ bootstrap: tb.bootstrap, clientId: 'tributary-cli' });
    try {
      expect((await describeAcls(cluster)).map((b) => b.resourceName).sort()).toEqual(['app-', 'app-keep']);
    } finally {
      cluster.close();
    }
  });

  it('reports SECURITY_DISABLED from a broker without an authorizer', async () => {
    open = await startTestBroker();
    await expect(run(['acls', 'list', '--bootstrap-server', open.bootstrap])).rejects.toThrow(KafkaResponseError);
    await expect(run(['acls', 'list', '--bootstrap-server', open.bootstrap])).rejects.toThrow(/SECURITY_DISABLED|Security features are disabled/);
  });
});
