/*
 * SASL PLAIN (RFC 4616): one client message, "[authzid] NUL authcid NUL passwd" in UTF-8. The
 * broker answers an empty token on success. PLAIN sends the password itself, so it belongs on
 * TLS listeners (SASL_SSL) outside a trusted network, as Kafka's documentation says.
 */

export interface PlainCredentials {
  readonly authzid: string;
  readonly username: string;
  readonly password: string;
}

export function encodePlain(username: string, password: string, authzid = ''): Buffer {
  return Buffer.from(`${authzid}\u0000${username}\u0000${password}`, 'utf8');
}

/** Parses a PLAIN message; a string error says what is wrong without echoing it. */
export function decodePlain(token: Buffer): PlainCredentials | string {
  const text = token.toString('utf8');
  const parts = text.split('\u0000');
  if (parts.length !== 3) return 'PLAIN message must be "authzid NUL username NUL password"';
  const [authzid, username, password] = parts as [string, string, string];
  if (username === '' || password === '') return 'PLAIN message has an empty user name or password';
  if (authzid !== '' && authzid !== username) return 'an authorization id different from the user name is not supported';
  return { authzid, username, password };
}
