/*
 * One bundled broker per test file with a client factory, a connected admin and producer on it
 * (beforeAll / afterAll). Read the fields inside tests: they are set once beforeAll has run.
 */
import { afterAll, beforeAll } from 'vitest';
import { createClientFactory } from '../../../src/client/client-factory.ts';
import type { Admin, ClientConfig, ClientFactory, Producer } from '../../../src/client/types.ts';
import { startTestBroker, type TestBroker, type TestBrokerOptions } from '../../../src/testing/broker-harness.ts';

export interface FactorySession {
  broker: TestBroker;
  config: ClientConfig;
  clients: ClientFactory;
  admin: Admin;
  producer: Producer;
}

export function useFactorySession(clientId: string, brokerOptions: TestBrokerOptions = {}): FactorySession {
  const s = {} as FactorySession;
  beforeAll(async () => {
    s.broker = await startTestBroker(brokerOptions);
    s.config = { bootstrapServers: [s.broker.bootstrap], clientId, logLevel: 'nothing' };
    s.clients = createClientFactory(s.config);
    s.admin = s.clients.admin();
    await s.admin.connect();
    s.producer = s.clients.producer();
    await s.producer.connect();
  });
  afterAll(async () => {
    await s.producer?.disconnect();
    await s.admin?.disconnect();
    await s.broker?.stop();
  });
  return s;
}
