package dev.claudemesh.broker;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The broker's Prometheus metrics (SPEC §10.4), in a registry of its own per broker instance. */
final class BrokerMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();

  final Counter fingerprintMismatch = Counter.builder()
      .name("cm_broker_dedupe_fingerprint_mismatch_total")
      .help("Sends refused with 409 idempotency_key_reused")
      .register(registry);
  final Counter rateLimitRejections = Counter.builder()
      .name("cm_broker_rate_limit_rejection_total")
      .help("Sends refused with 429 rate_limited")
      .register(registry);
  final Gauge dedupeOrphans = Gauge.builder()
      .name("cm_broker_dedupe_orphan_found")
      .help("Dedupe rows claiming history whose message is gone, at the last sweep")
      .register(registry);
  final Gauge connections = Gauge.builder()
      .name("cm_broker_connections")
      .help("Authenticated WebSocket connections")
      .register(registry);
  final Counter connectionsOpened = Counter.builder()
      .name("cm_broker_connections_opened_total")
      .help("WebSocket connections opened, before hello")
      .register(registry);
  final Counter helloRejected = Counter.builder()
      .name("cm_broker_hello_rejected_total")
      .help("Hellos refused, by reason")
      .labelNames("reason")
      .register(registry);
  final Counter sends = Counter.builder()
      .name("cm_broker_send_total")
      .help("Send frames answered, by ack status")
      .labelNames("status")
      .register(registry);
  final Counter pushes = Counter.builder()
      .name("cm_broker_push_total")
      .help("Pushes written to connections, by kind (message, redelivery, system)")
      .labelNames("kind")
      .register(registry);
  final Counter deliveriesCompleted = Counter.builder()
      .name("cm_broker_delivery_completed_total")
      .help("Delivery rows completed by client_ack")
      .register(registry);
  final Counter clientAckUnknown = Counter.builder()
      .name("cm_broker_client_ack_unknown_total")
      .help("client_acks naming an unknown, foreign or already completed delivery")
      .register(registry);
  final Counter invalidFrames = Counter.builder()
      .name("cm_broker_invalid_frame_total")
      .help("Inbound text frames that were too large, not JSON, or broke their schema")
      .register(registry);
  final Counter sweeps = Counter.builder()
      .name("cm_broker_retention_sweep_total")
      .help("Retention sweeps run")
      .register(registry);

  /** The registry in Prometheus text format 0.0.4. */
  String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      new PrometheusTextFormatWriter(false).write(out, registry.scrape(), EscapingScheme.DEFAULT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  static String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }
}
