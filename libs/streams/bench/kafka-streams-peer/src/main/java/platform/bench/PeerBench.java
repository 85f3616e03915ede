package platform.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The Kafka Streams peer of libs/streams/bench/streams.bench.ts: runs ONE of its cases on the same broker and
 * the same input topic, then prints one JSON line on stdout: {"ms", "records", "cpuPercent", "startMs",
 * "restored", "restoreMs"} (the last three for Kafka Streams cases only).
 *
 * <pre>PeerBench &lt;bootstrap&gt; &lt;case&gt; &lt;input&gt; &lt;output&gt; &lt;applicationId&gt; &lt;stateDir&gt; &lt;threads&gt; &lt;guarantee&gt;</pre>
 *
 * Cases: raw (KafkaConsumer → KafkaProducer: poll, send, flush, commitSync per poll; the group id is the
 * application id), stateless (filter → mapValues → to), count (count by key into the default RocksDB store
 * with its changelog), restore (count again, on a wiped state dir: restore from the changelog), restart (count
 * again with the local state: start() → RUNNING). Guarantee: at_least_once or exactly_once_v2. Commit interval
 * 1000 ms. As in the TS bench, a run is timed from RUNNING (raw: the first assignment) to the moment every
 * input partition's committed offset equals its end offset, polled every 100 ms.
 */
public final class PeerBench {
  private static final String STORE = "counts";

  private PeerBench() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"); // before any Kafka class logs
    if (args.length != 8) {
      System.err.println("usage: PeerBench <bootstrap> <raw|stateless|count|restore|restart> <input> <output> <applicationId> <stateDir> <threads> <at_least_once|exactly_once_v2>");
      System.exit(2);
    }
    String bootstrap = args[0];
    String kase = args[1];
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Progress progress = new Progress(admin, args[4], args[2]);
      Map<String, Long> result = switch (kase) {
        case "raw" -> rawLoop(bootstrap, args[2], args[3], args[4], progress);
        case "stateless", "count", "restore", "restart" ->
          streams(kase, bootstrap, args[2], args[3], args[4], args[5], Integer.parseInt(args[6]), args[7], progress);
        default -> throw new IllegalArgumentException("unknown case " + kase);
      };
      System.out.println(result.entrySet().stream().map(e -> "\"" + e.getKey() + "\":" + e.getValue()).collect(Collectors.joining(",", "{", "}")));
    } catch (Throwable error) {
      error.printStackTrace();
      System.exit(1);
    }
    System.exit(0); // no lingering client threads
  }

  /** Committed group offsets against the input's end offsets. */
  private static final class Progress {
    private final Admin admin;
    private final String group;
    private final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();

    Progress(Admin admin, String group, String topic) throws Exception {
      this.admin = admin;
      this.group = group;
      int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      for (int p = 0; p < partitions; p++) latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }

    long records() throws Exception {
      return admin.listOffsets(latest).all().get().values().stream().mapToLong(ListOffsetsResultInfo::offset).sum();
    }

    boolean committedAll() throws Exception {
      Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      return ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() == e.getValue().offset());
    }

    /** Polls every 100 ms until every input offset is committed; fails as soon as `failure` holds an error. */
    long awaitCommitted(AtomicReference<Throwable> failure) throws Exception {
      while (!committedAll()) {
        if (failure.get() != null) throw new IllegalStateException("the run failed", failure.get());
        Thread.sleep(100);
      }
      return System.currentTimeMillis();
    }
  }

  /** Nanoseconds of CPU this process used so far (all threads). */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static long cpuPercent(long cpuNanos, long ms) {
    return Math.round(cpuNanos / 1e6 / Math.max(ms, 1) * 100);
  }

  private static Map<String, Long> rawLoop(String bootstrap, String input, String output, String group, Progress progress) throws Exception {
    Map<String, Object> consumerConfig = Map.of(
      ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
      ConsumerConfig.GROUP_ID_CONFIG, group,
      ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
      ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all");
    AtomicLong joinedAt = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread loop = new Thread(() -> {
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
           KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
        consumer.subscribe(List.of(input), new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
            joinedAt.compareAndSet(0, System.currentTimeMillis());
          }

          @Override
          public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {}
        });
        while (!Thread.currentThread().isInterrupted()) {
          ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
          if (records.isEmpty()) continue;
          for (ConsumerRecord<byte[], byte[]> r : records) producer.send(new ProducerRecord<>(output, r.key(), r.value()));
          producer.flush();
          consumer.commitSync();
        }
      } catch (org.apache.kafka.common.errors.InterruptException stopped) {
        // interrupted by main once everything is committed
      } catch (Throwable error) {
        failure.set(error);
      }
    }, "raw-loop");
    loop.start();
    while (joinedAt.get() == 0) {
      if (failure.get() != null) throw new IllegalStateException("the raw loop failed", failure.get());
      Thread.sleep(10);
    }
    long cpuBefore = cpuNanos();
    long doneAt = progress.awaitCommitted(failure);
    long cpu = cpuNanos() - cpuBefore;
    loop.interrupt();
    loop.join(30_000);
    long ms = doneAt - joinedAt.get();
    Map<String, Long> result = new LinkedHashMap<>();
    result.put("ms", ms);
    result.put("records", progress.records());
    result.put("cpuPercent", cpuPercent(cpu, ms));
    return result;
  }

  private static Map<String, Long> streams(String kase, String bootstrap, String input, String output, String applicationId, String stateDir,
                                           int threads, String guarantee, Progress progress) throws Exception {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000); // exactly_once_v2 would default to 100

    StreamsBuilder builder = new StreamsBuilder();
    if (kase.equals("stateless")) {
      builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
        .filter((k, v) -> !v.isEmpty())
        .mapValues(v -> "m" + v.substring(1))
        .to(output, Produced.with(Serdes.String(), Serdes.String()));
    } else {
      // count, restore, restart: one topology, so restore and restart reuse count's store and changelog
      builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
        .groupByKey()
        .count(Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as(STORE));
    }

    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    AtomicLong runningAt = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong restoreStart = new AtomicLong();
    AtomicLong restoreEnd = new AtomicLong();
    AtomicLong restored = new AtomicLong();
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) runningAt.compareAndSet(0, System.currentTimeMillis());
      if (now == KafkaStreams.State.ERROR) failure.compareAndSet(null, new IllegalStateException("Kafka Streams went to ERROR"));
    });
    streams.setUncaughtExceptionHandler(error -> {
      failure.compareAndSet(null, error);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.setGlobalStateRestoreListener(new StateRestoreListener() {
      @Override
      public void onRestoreStart(TopicPartition partition, String store, long startOffset, long endOffset) {
        restoreStart.compareAndSet(0, System.currentTimeMillis());
      }

      @Override
      public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long batchRecords) {}

      @Override
      public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
        restored.addAndGet(totalRestored);
        restoreEnd.set(System.currentTimeMillis());
      }
    });

    long startedAt = System.currentTimeMillis();
    streams.start();
    try {
      while (runningAt.get() == 0) {
        if (failure.get() != null) throw new IllegalStateException("Kafka Streams failed before RUNNING", failure.get());
        Thread.sleep(10);
      }
      long cpuBefore = cpuNanos();
      long doneAt = progress.awaitCommitted(failure);
      long cpu = cpuNanos() - cpuBefore;
      long ms = doneAt - runningAt.get();
      Map<String, Long> result = new LinkedHashMap<>();
      result.put("ms", ms);
      result.put("records", progress.records());
      result.put("cpuPercent", cpuPercent(cpu, ms));
      result.put("startMs", runningAt.get() - startedAt);
      result.put("restored", restored.get());
      result.put("restoreMs", restoreEnd.get() - restoreStart.get());
      return result;
    } finally {
      // leave the group, so that the next run of this application id is not held up by a stale member
      streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(60)));
    }
  }
}
