package dev.claudemesh.daemon.metrics;

import dev.claudemesh.core.Peer;
import dev.claudemesh.core.delivery.DrainWorker;
import dev.claudemesh.core.fingerprint.DestinationKind;
import dev.claudemesh.core.store.OutboxStatus;
import dev.claudemesh.daemon.hooks.HookMetrics;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's Prometheus metrics (SPEC §10.4), in a registry of its own (never the global
 * default). The peer's values are read from the core objects at scrape time, so a scrape always
 * shows their current state and nothing is copied in the background; IPC requests are counted as
 * they are answered ({@link #recordIpcRequest}).
 *
 * <p>Label cardinality is bounded: {@code endpoint} is a path of the route table or {@value
 * #UNMATCHED_ENDPOINT}, never a raw request path; {@code status} is an HTTP status; {@code kind},
 * {@code direction} and the outbox {@code status} are fixed sets; {@code reason} is one of the
 * broker connection's reconnect reasons. A value whose store cannot be read (the outbox is closed
 * or failing) is left out of that scrape and logged at DEBUG; the other metrics are still served.
 * Thread-safe.
 */
public final class DaemonMetrics {
  private static final Logger log = LoggerFactory.getLogger(DaemonMetrics.class);

  /** The media type of {@link #scrape()}: Prometheus text exposition 0.0.4. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
  /** The {@code endpoint} label of a request whose path is not in the route table. */
  public static final String UNMATCHED_ENDPOINT = "unmatched";

  private static final Set<OutboxStatus> PENDING = EnumSet.of(OutboxStatus.PENDING);

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = new PrometheusTextFormatWriter(false);
  private final Counter ipcRequests;
  private final Histogram ipcDuration;

  private DaemonMetrics(Peer peer) {
    ipcRequests = Counter.builder()
        .name("cm_daemon_ipc_request") // exposed as cm_daemon_ipc_request_total
        .help("IPC requests answered, guard refusals included, by route, HTTP status and transport")
        .labelNames("endpoint", "status", "transport")
        .register(registry);
    ipcDuration = Histogram.builder()
        .name("cm_daemon_ipc_duration_seconds")
        .help("Time from a request reaching the guard to its answer being ready, by route")
        .labelNames("endpoint")
        .classicOnly()
        .register(registry);
    registerPeer(peer);
  }

  /** Metrics of {@code peer} and of the IPC server that will report to it. */
  public static DaemonMetrics forPeer(Peer peer) {
    return new DaemonMetrics(Objects.requireNonNull(peer, "peer == null"));
  }

  private void registerPeer(Peer peer) {
    GaugeWithCallback.builder()
        .name("cm_daemon_connected")
        .help("1 while the broker connection is up and negotiated, else 0")
        .callback(cb -> cb.call(peer.isConnected() ? 1 : 0))
        .register(registry);
    CounterWithCallback.builder()
        .name("cm_daemon_reconnects")
        .help("Broker connections that ended and were retried, by reason")
        .labelNames("reason")
        .callback(cb -> peer.connection().reconnectsByReason()
            .forEach((reason, n) -> cb.call(n, reason)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("cm_daemon_lag_ms")
        .help("How long the oldest pending or inflight outbox row has waited, in ms; 0 when none")
        .callback(cb -> read("lag", () -> cb.call(peer.lag().toMillis())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("cm_daemon_outbox_depth")
        .help("Outbox rows by status")
        .labelNames("status")
        .callback(cb -> read("outbox depth", () -> {
          for (Map.Entry<OutboxStatus, Long> e : peer.outbox().depth().entrySet()) {
            cb.call(e.getValue(), e.getKey().wireName());
          }
        }))
        .register(registry);
    GaugeWithCallback.builder()
        .name("cm_daemon_outbox_age_seconds")
        .help("How long the oldest pending outbox row has waited (what max_age_hours is compared"
            + " with), in seconds; 0 when none")
        .callback(cb -> read("outbox age",
            () -> cb.call(peer.outbox().oldestAge(PENDING).toMillis() / 1000.0)))
        .register(registry);
    CounterWithCallback.builder()
        .name("cm_daemon_dedupe")
        .help("Duplicates collapsed by this daemon: inbound deliveries already in the inbox,"
            + " outbound accepts answered from an existing outbox row")
        .labelNames("direction")
        .callback(cb -> {
          cb.call(peer.inbound().duplicateCount(), "inbound");
          cb.call(peer.outbox().duplicateAccepts(), "outbound");
        })
        .register(registry);
    CounterWithCallback.builder()
        .name("cm_daemon_send")
        .help("Sends to the broker settled, by destination kind and outcome"
            + " (accepted, duplicate, retry, dead)")
        .labelNames("kind", "status")
        .callback(cb -> {
          DrainWorker drain = peer.drain();
          for (DestinationKind kind : DestinationKind.values()) {
            for (DrainWorker.SendOutcome outcome : DrainWorker.SendOutcome.values()) {
              cb.call(drain.sendCount(kind, outcome), kind.wireName(), outcome.wireName());
            }
          }
        })
        .register(registry);
    CounterWithCallback.builder()
        .name("cm_daemon_recv")
        .help("New messages stored in the inbox, by kind")
        .labelNames("kind")
        .callback(cb -> {
          for (DestinationKind kind : EnumSet.of(DestinationKind.DM, DestinationKind.TOPIC)) {
            cb.call(peer.inbound().receivedCount(kind), kind.wireName());
          }
        })
        .register(registry);
    CounterWithCallback.builder()
        .name("cm_daemon_invalid_inbound")
        .help("Inbound dropped as invalid: broker frames that broke the protocol, and pushes whose"
            + " body did not decode")
        .callback(cb -> cb.call(peer.connection().invalidFrames() + peer.inbound().invalidCount()))
        .register(registry);
    CounterWithCallback.builder()
        .name("cm_daemon_decrypt_archived")
        .help("DMs opened with a rotated-out key still in its grace period")
        .callback(cb -> cb.call(peer.keyRing().decryptArchivedCount()))
        .register(registry);
    CounterWithCallback.builder()
        .name("cm_daemon_decrypt_stale")
        .help("DMs refused because they were sealed to a rotated-out key past its grace period")
        .callback(cb -> cb.call(peer.keyRing().decryptStaleCount()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("cm_daemon_disk_pct")
        .help("Percent of the storage budget in use, by store (outbox: of the smaller of"
            + " [outbox] max_bytes and what the disk can still give it)")
        .labelNames("kind")
        .callback(cb -> cb.call(peer.outbox().pressure().percent(), "outbox"))
        .register(registry);
  }

  /**
   * The counters of the hook runner ({@code cm_daemon_hook_*}, SPEC §9, §10.4): runs by hook and
   * outcome, run time by hook, runs whose network policy could not be enforced, runs dropped
   * because the queue was full. Call once.
   */
  public HookMetrics hookCounters() {
    Counter runs = Counter.builder()
        .name("cm_daemon_hook_runs")
        .help("Hook runs that ended, by hook and outcome (ok, failed, timed_out, not_started)")
        .labelNames("hook", "outcome")
        .register(registry);
    Histogram duration = Histogram.builder()
        .name("cm_daemon_hook_duration_seconds")
        .help("Time from a hook's start to its end, its timeout's kill included, by hook")
        .labelNames("hook")
        .classicOnly()
        .register(registry);
    Counter unenforceable = Counter.builder()
        .name("cm_daemon_hook_unenforceable")
        .help("Hook runs whose network_policy could not be enforced here; they ran with the"
            + " network")
        .labelNames("hook")
        .register(registry);
    Counter dropped = Counter.builder()
        .name("cm_daemon_hook_dropped")
        .help("Hook runs never started because the queue of waiting runs was full")
        .labelNames("hook")
        .register(registry);
    return new HookMetrics() {
      @Override
      public void ran(String hook, String outcome, long durationNanos) {
        runs.labelValues(hook, outcome).inc();
        duration.labelValues(hook).observe(durationNanos / 1e9);
      }

      @Override
      public void unenforceable(String hook) {
        unenforceable.labelValues(hook).inc();
      }

      @Override
      public void dropped(String hook) {
        dropped.labelValues(hook).inc();
      }
    };
  }

  /** The gauges of the hook runner: runs waiting and running, tokens alive, scope refusals. */
  public void hookGauges(IntSupplier queued, IntSupplier running, IntSupplier liveTokens,
      LongSupplier scopeRefusals) {
    GaugeWithCallback.builder()
        .name("cm_daemon_hook_queue_depth")
        .help("Hook runs waiting for one of the 8 runner threads")
        .callback(cb -> cb.call(queued.getAsInt()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("cm_daemon_hook_running")
        .help("Hook runs in progress, pre-send included")
        .callback(cb -> cb.call(running.getAsInt()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("cm_daemon_hook_tokens_live")
        .help("Capability tokens of hooks alive now")
        .callback(cb -> cb.call(liveTokens.getAsInt()))
        .register(registry);
    CounterWithCallback.builder()
        .name("cm_daemon_hook_scope_refused")
        .help("IPC requests refused 403 forbidden_scope: a hook token used beyond its scope")
        .callback(cb -> cb.call(scopeRefusals.getAsLong()))
        .register(registry);
  }

  /** A read of a store for one metric; a failure leaves that metric out of this scrape. */
  private interface StoreRead {
    void run() throws IOException;
  }

  private static void read(String what, StoreRead read) {
    try {
      read.run();
    } catch (IOException | RuntimeException e) {
      log.debug("metrics: cannot read {}: {}", what, e.toString());
    }
  }

  /**
   * Counts one answered IPC request.
   *
   * @param routePath the route table path the request matched, or null when its path is not in
   *     the table (labelled {@value #UNMATCHED_ENDPOINT})
   * @param transport {@code uds} or {@code tcp}
   */
  public void recordIpcRequest(@Nullable String routePath, int status, String transport,
      long durationNanos) {
    String endpoint = routePath == null ? UNMATCHED_ENDPOINT : routePath;
    ipcRequests.labelValues(endpoint, Integer.toString(status), transport).inc();
    ipcDuration.labelValues(endpoint).observe(durationNanos / 1e9);
  }

  /** Every metric in Prometheus text format 0.0.4 ({@link #CONTENT_TYPE}), UTF-8. */
  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      writer.write(out, registry.scrape(), EscapingScheme.DEFAULT);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return out.toByteArray();
  }

  @Override
  public String toString() {
    return "DaemonMetrics";
  }
}
