// `upgradeFrom` reaches a foreign-key join running on a broker: with "3.3" (a rolling upgrade
// from Kafka Streams 3.3, which reads only subscription version 0) the subscription store's
// changelog holds version-0 subscriptions, without it version 1 (apache/kafka
// SubscriptionWrapperSerde.upgradeFromV0). The changelog value is an 8-byte timestamp, then the
// wrapper: version byte | instruction | 16-byte hash | primary key | (version 1) int32 partition.
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import type { Topology } from '../../src/streams/topology/topology.ts';
import { valueHash } from '../../src/streams/dsl/joins/fk-join-wrappers.ts';
import { useStreamsTestBed, waitFor } from './streams-helpers.ts';

const S = Serdes.string();
const APP = 'fk-upgrade-from';
const CHANGELOG = `${APP}-KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-0000000010-changelog`;

function ordersWithCustomers(): Topology {
  const b = new StreamsBuilder();
  b.table('orders', Consumed.with(S, S))
    .join(
      b.table('customers', Consumed.with(S, S)),
      (order: string) => order.split('|')[0]!,
      (order: string, name: string) => `${order.split('|')[1]}:${name}`,
    )
    .toStream()
    .to('enriched', Produced.with(S, S));
  return b.build();
}

describe('upgradeFrom on a running application', () => {
  const bed = useStreamsTestBed(APP);

  it.each([
    ['3.3', 0, Buffer.alloc(0)],
    [undefined, 1, Buffer.from([0, 0, 0, 0])],
  ] as const)('upgradeFrom %s: subscriptions in version %i', async (upgradeFrom, version, partition) => {
    for (const t of ['orders', 'customers', 'enriched']) await bed.io.createTopic(t, 1);
    const app = bed.app(ordersWithCustomers(), upgradeFrom === undefined ? {} : { upgradeFrom });
    await app.start();
    await bed.io.produce('customers', [{ key: 'c1', value: 'name-a', timestamp: 100 }]);
    await bed.io.produce('orders', [{ key: 'o1', value: 'c1|r1', timestamp: 200 }]);
    await waitFor(async () => (await bed.io.readAll('enriched')).length >= 1, 'the join result');
    expect((await bed.io.readAll('enriched')).map((r) => `${r.key!.toString()}=${r.value!.toString()}`)).toEqual(['o1=r1:name-a']);
    await waitFor(async () => (await bed.io.readAll(CHANGELOG)).length >= 1, 'the subscription store changelog');
    const [rec] = await bed.io.readAll(CHANGELOG);
    // PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE (3): a new left row of an inner join.
    expect(rec!.value!.subarray(8)).toEqual(Buffer.concat([Buffer.from([version, 3]), valueHash(Buffer.from('c1|r1'))!, Buffer.from('o1'), partition]));
  }, 60_000);
});
