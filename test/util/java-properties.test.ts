import { describe, expect, it } from 'vitest';
import { parseJavaProperties } from '../../src/util/java-properties.ts';

describe('parseJavaProperties', () => {
  it('reads Kafka-style files: comments, separators, continuations, escapes, last value wins', () => {
    const text = [
      '# a comment',
      '! another',
      '',
      'listeners=PLAINTEXT://:9092,\\',
      '    SASL_SSL://:9094',
      'ssl.client.auth : required',
      'log.dirs /var/lib/kafka',
      'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\',
      '  username="alice" password="a=b";',
      'key\\=with\\:seps=v\\u0041\\t',
      'num.partitions=1',
      'num.partitions=3',
    ].join('\n');
    const { entries, lines } = parseJavaProperties(text);
    expect(Object.fromEntries(entries)).toEqual({
      listeners: 'PLAINTEXT://:9092,SASL_SSL://:9094',
      'ssl.client.auth': 'required',
      'log.dirs': '/var/lib/kafka',
      'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="a=b";',
      'key=with:seps': 'vA\t',
      'num.partitions': '3',
    });
    expect(lines.get('num.partitions')).toBe(12);
    expect(lines.get('ssl.client.auth')).toBe(6);
  });
});
