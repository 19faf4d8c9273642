/*
 * Kafka Streams' side of the streamcount side by side (Tributary: `npm run bench -- streamcount`
 * and `streamcount-eos`), compiled against a Kafka distribution's jars:
 *
 *   javac -d classes -cp "$KAFKA_HOME/libs/*" StreamCountBench.java
 *   CLASSPATH=classes $KAFKA_HOME/bin/kafka-run-class.sh StreamCountBench BOOTSTRAP TOPIC N GUARANTEE STATE_DIR
 *
 * TOPIC holds at least N records (the peer suite loads it with Tributary's data loader, the same
 * records as its own streamcount reads: Integer keys uniform over 10,000, one random 1 KiB value).
 * It runs stream(TOPIC).peek(count).groupByKey().count() with an in-memory store (the
 *   distribution here ships no RocksDB native library; Tributary's figure is with its in-memory
 *   store too), processing.guarantee GUARANTEE (at_least_once | exactly_once; Kafka Streams 2.1
 *   has no exactly_once_v2, which needs 2.5+ brokers and clients). Commit interval: Kafka's
 *   default for the guarantee (100 ms under exactly_once) except at_least_once, which uses 30 s
 *   as SimpleBenchmark and Tributary's benchmark do. The clock runs from KafkaStreams.start() to
 *   the N-th record seen by peek (SimpleBenchmark's clock). Prints one JSON line:
 *   {"system":"kafka-streams-2.1.1","workload":"streamcount","guarantee",...,"records","seconds"}.
 */
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.Stores;

public final class StreamCountBench {
    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: StreamCountBench BOOTSTRAP TOPIC N GUARANTEE STATE_DIR");
            System.exit(2);
        }
        count(args[0], args[1], Long.parseLong(args[2]), args[3], args[4]);
    }

    static void count(String bootstrap, String topic, long n, String guarantee, String stateDir) throws InterruptedException {
        if (!guarantee.equals(StreamsConfig.AT_LEAST_ONCE) && !guarantee.equals(StreamsConfig.EXACTLY_ONCE)) {
            System.err.println("GUARANTEE must be at_least_once or exactly_once, not " + guarantee);
            System.exit(2);
        }
        final Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "streamcount-" + guarantee.replace('_', '-') + "-" + System.nanoTime());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        if (guarantee.equals(StreamsConfig.AT_LEAST_ONCE)) p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 30_000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 500);
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicLong seen = new AtomicLong();
        final StreamsBuilder b = new StreamsBuilder();
        b.stream(topic, Consumed.with(Serdes.Integer(), Serdes.ByteArray()))
            .peek((k, v) -> {
                if (seen.incrementAndGet() == n) done.countDown();
            })
            .groupByKey()
            .count(Materialized.as(Stores.inMemoryKeyValueStore("count-store")));
        final KafkaStreams streams = new KafkaStreams(b.build(), p);
        final long start = System.nanoTime();
        streams.start();
        final boolean finished = done.await(600, TimeUnit.SECONDS);
        final double seconds = (System.nanoTime() - start) / 1e9;
        streams.close(30, TimeUnit.SECONDS);
        if (!finished) {
            System.err.println("streamcount: only " + seen.get() + " of " + n + " records in 600 s");
            System.exit(1);
        }
        System.out.println("{\"system\":\"kafka-streams-2.1.1\",\"workload\":\"streamcount\",\"guarantee\":\"" + guarantee
            + "\",\"records\":" + n + ",\"seconds\":" + seconds + "}");
    }
}
