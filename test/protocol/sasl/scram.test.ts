import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { credentialFromSalted, digest, escapeSaslName, hi, hmac, unescapeSaslName, xor } from '../../../src/protocol/sasl/scram.ts';

describe('SCRAM primitives', () => {
  it('reproduce the SCRAM-SHA-256 exchange of RFC 7677 §3', () => {
    const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
    const salted = hi('SCRAM-SHA-256', 'pencil', salt, 4096);
    const cred = credentialFromSalted('SCRAM-SHA-256', salt, 4096, salted);
    const bare = 'n=user,r=rOprNGfwEbeRWgbNEkqO';
    const serverFirst = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
    const withoutProof = 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
    const auth = `${bare},${serverFirst},${withoutProof}`;
    const clientKey = hmac('SCRAM-SHA-256', salted, 'Client Key');
    expect(digest('SCRAM-SHA-256', clientKey)).toEqual(cred.storedKey);
    const proof = xor(clientKey, hmac('SCRAM-SHA-256', cred.storedKey, auth));
    expect(proof.toString('base64')).toBe('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
    expect(hmac('SCRAM-SHA-256', cred.serverKey, auth).toString('base64')).toBe('6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
  });

  it('user names survive escaping (RFC 5802 saslname)', () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        expect(unescapeSaslName(escapeSaslName(name))).toBe(name);
      }),
    );
    expect(unescapeSaslName('a=2Cb=3D')).toBe('a,b=');
    expect(unescapeSaslName('a=b')).toBeNull();
  });
});
