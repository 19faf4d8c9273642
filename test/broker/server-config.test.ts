import { describe, expect, it } from 'vitest';
import { serverConfigFromText, ServerConfigError } from '../../src/broker/server-config.ts';
import { parseBrokerOptions } from '../../src/broker/options.ts';

const err = (text: string): string => {
  try {
    serverConfigFromText(text, 'server.properties');
  } catch (e) {
    expect(e).toBeInstanceOf(ServerConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ServerConfigError');
};

describe('server.properties → broker options', () => {
  it("maps Kafka's keys, listeners included, and accepts a Kafka file's replication keys as ignored", () => {
    const { options, ignored } = serverConfigFromText(
      [
        'process.roles=broker,controller',
        'node.id=3',
        'log.dirs=/data/a,/data/b',
        'listeners=PLAINTEXT://127.0.0.1:9092,EXTERNAL://0.0.0.0:9094',
        'advertised.listeners=EXTERNAL://kafka.example.com:19094',
        'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,EXTERNAL:SASL_SSL',
        'ssl.keystore.type=PEM',
        'ssl.keystore.location=/etc/kafka/broker.pem',
        'ssl.client.auth=requested',
        'ssl.truststore.location=/etc/kafka/ca.pem',
        'sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN',
        'connections.max.reauth.ms=3600000',
        'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
        'super.users=User:admin;User:CN=ops,O=acme',
        'allow.everyone.if.no.acl.found=false',
        'group.initial.rebalance.delay.ms=0',
        'transactional.id.expiration.ms=3600000',
        'transaction.remove.expired.transaction.cleanup.interval.ms=60000',
        'producer.id.expiration.ms=7200000',
        'producer.id.expiration.check.interval.ms=30000',
        'transaction.partition.verification.enable=false',
        'log.retention.hours=2',
        'offsets.topic.replication.factor=1',
      ].join('\n'),
    );
    expect(ignored).toEqual(['process.roles', 'offsets.topic.replication.factor']);
    const parsed = parseBrokerOptions({ ...options, dataDir: options.dataDir as string });
    expect(parsed.nodeId).toBe(3);
    expect(parsed.dataDir).toBe('/data/a');
    expect(parsed.listeners).toEqual([
      { name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: '127.0.0.1', port: 9092, advertisedHost: '127.0.0.1', advertisedPort: 0 },
      { name: 'EXTERNAL', securityProtocol: 'SASL_SSL', host: '0.0.0.0', port: 9094, advertisedHost: 'kafka.example.com', advertisedPort: 19094 },
    ]);
    expect(parsed.ssl).toMatchObject({ keystoreLocation: '/etc/kafka/broker.pem', truststoreLocation: '/etc/kafka/ca.pem', clientAuth: 'requested' });
    expect(parsed.sasl.enabledMechanisms).toEqual(['SCRAM-SHA-512', 'PLAIN']);
    expect(parsed.connectionsMaxReauthMs).toBe(3_600_000);
    expect(parsed.authorizer).toEqual({ enabled: true, superUsers: ['User:admin', 'User:CN=ops,O=acme'], allowEveryoneIfNoAclFound: false });
    expect(parsed.group.initialRebalanceDelayMs).toBe(0);
    expect(parsed.transaction).toMatchObject({ idExpirationMs: 3_600_000, removeExpiredIntervalMs: 60_000, partitionVerification: false });
    expect(parsed.producer).toEqual({ idExpirationMs: 7_200_000, idExpirationCheckIntervalMs: 30_000 });
    expect(parsed.topicDefaults).toEqual({ 'retention.ms': '7200000' });
  });

  it('tributary.fetch.read.ahead switches the fetch read-ahead on (off by default)', () => {
    expect(serverConfigFromText('tributary.fetch.read.ahead=true', 'server.properties').options.fetchReadAhead).toBe(true);
    expect(parseBrokerOptions({ ...serverConfigFromText('num.partitions=1', 'server.properties').options, dataDir: '/tmp/x' }).fetchReadAhead).toBe(false);
    expect(err('tributary.fetch.read.ahead=on')).toMatch(/tributary\.fetch\.read\.ahead=on: expected true or false/);
  });

  it('an unknown key is one error naming the key and its line', () => {
    expect(err('num.partitions=2\nlisteners.name.sasl_ssl.plain.sasl.jaas.config=x')).toMatch(/server\.properties:2: unknown key listeners\.name\.sasl_ssl/);
  });

  it('a value that does not parse names its key', () => {
    expect(err('num.partitions=two')).toMatch(/num\.partitions=two: expected an integer/);
    expect(err('auto.create.topics.enable=yes')).toMatch(/auto\.create\.topics\.enable=yes: expected true or false/);
    expect(err('ssl.keystore.type=JKS')).toMatch(/ssl\.keystore\.type=JKS: only PEM/);
    expect(err('listeners=SASL_SSL://0.0.0.0:99999')).toMatch(/listeners: "SASL_SSL:\/\/0\.0\.0\.0:99999" is not NAME:\/\/HOST:PORT/);
    expect(err('listeners=INTERNAL://:9092')).toMatch(/no security protocol for listener INTERNAL/);
    expect(err('listeners=PLAINTEXT://:9092\nadvertised.listeners=SSL://x:1')).toMatch(/advertised\.listeners: SSL is not one of the listeners/);
  });

  it('a mechanism the broker does not implement is rejected by the options check, naming the option', () => {
    const { options } = serverConfigFromText('sasl.enabled.mechanisms=GSSAPI');
    expect(() => parseBrokerOptions({ ...options, dataDir: '/tmp/x' })).toThrow(/sasl\.enabledMechanisms/);
  });
});
