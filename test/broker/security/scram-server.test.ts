// The broker's SCRAM and PLAIN sessions against the client's SCRAM implementation and a direct
// reference: the right password authenticates as its user, anything else fails, and a failure
// message never holds the password.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialStore } from '../../../src/broker/security/credential-store.ts';
import { ScramServerSession } from '../../../src/broker/security/scram-server.ts';
import { PlainServerSession } from '../../../src/broker/security/plain-server.ts';
import { createCredential, type ScramMechanism } from '../../../src/protocol/sasl/scram.ts';
import { encodePlain } from '../../../src/protocol/sasl/plain.ts';
import { ScramClient } from '../../../src/client/sasl/scram-client.ts';
import type { MechanismStep } from '../../../src/broker/security/mechanism.ts';

const store = await CredentialStore.open(join(mkdtempSync(join(tmpdir(), 'scram-')), 'none'));

async function exchange(mechanism: ScramMechanism, user: string, password: string): Promise<MechanismStep> {
  const server = new ScramServerSession(mechanism, store);
  const client = new ScramClient(mechanism, user, password);
  const first = await server.evaluate(client.first());
  if (first.kind !== 'challenge') return first;
  const last = await server.evaluate(client.final(first.token));
  if (last.kind === 'done') client.verify(last.token);
  return last;
}

describe('SCRAM server session', () => {
  it('authenticates exactly the stored password, for any user name and password (SHA-256 and -512)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<ScramMechanism>('SCRAM-SHA-256', 'SCRAM-SHA-512'),
        fc.string({ minLength: 1, maxLength: 12 }),
        fc.string({ minLength: 1, maxLength: 16 }),
        fc.string({ minLength: 1, maxLength: 16 }).map((s) => `wrong#${s}`),
        async (mechanism, user, password, other) => {
          store.upsert(user, mechanism, createCredential(mechanism, password));
          const ok = await exchange(mechanism, user, password);
          expect(ok).toMatchObject({ kind: 'done', user });
          const bad = await exchange(mechanism, user, other);
          if (other === password) expect(bad.kind).toBe('done');
          else {
            expect(bad.kind).toBe('fail');
            expect((bad as { message: string }).message).not.toContain(other);
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it('an unknown user gets a challenge like any other and fails only at the proof', async () => {
    const server = new ScramServerSession('SCRAM-SHA-256', store);
    const client = new ScramClient('SCRAM-SHA-256', 'nobody-here', 'pw');
    const first = await server.evaluate(client.first());
    expect(first.kind).toBe('challenge');
    const last = await server.evaluate(client.final((first as { token: Buffer }).token));
    expect(last).toMatchObject({ kind: 'fail', message: expect.stringMatching(/invalid credentials/) });
  });

  it('rejects malformed client messages without echoing them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), async (a, b) => {
        const server = new ScramServerSession('SCRAM-SHA-512', store);
        const first = await server.evaluate(Buffer.from(a));
        const second = await server.evaluate(Buffer.from(b));
        expect(second.kind).toBe('fail');
        if (first.kind === 'fail') expect(first.message.length).toBeLessThan(200);
      }),
      { numRuns: 100 },
    );
  });
});

describe('PLAIN server session', () => {
  it('checks the password against the stored SCRAM credential', async () => {
    store.upsert('carol', 'SCRAM-SHA-512', createCredential('SCRAM-SHA-512', 'c-pass'));
    expect(await new PlainServerSession(store).evaluate(encodePlain('carol', 'c-pass'))).toMatchObject({ kind: 'done', user: 'carol' });
    const bad = await new PlainServerSession(store).evaluate(encodePlain('carol', 'c-wrong'));
    expect(bad.kind).toBe('fail');
    expect(JSON.stringify(bad)).not.toContain('c-wrong');
    expect((await new PlainServerSession(store).evaluate(encodePlain('nobody', 'x'))).kind).toBe('fail');
    expect((await new PlainServerSession(store).evaluate(Buffer.from('no-nuls'))).kind).toBe('fail');
  });
});
