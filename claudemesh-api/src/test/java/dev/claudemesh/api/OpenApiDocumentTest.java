package dev.claudemesh.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.squareup.moshi.Json;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The OpenAPI document {@code openapi.yaml} against this module: every route, error code,
 * conflict and wire record is in it, under the JSON names the records use. What the daemon
 * actually answers is checked against the same document by the daemon's conformance test.
 */
class OpenApiDocumentTest {
  static final String RESOURCE = "openapi.yaml";

  /** Records that are not bodies: the query string of the paged routes (checked as parameters). */
  private static final Set<Class<?>> NOT_BODIES = Set.of(PageQuery.class);

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private static JsonNode doc;

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in = Routes.class.getResourceAsStream(RESOURCE)) {
      assertNotNull(in, "dev/claudemesh/api/" + RESOURCE + " is on the classpath");
      doc = YAML.readTree(in);
    }
  }

  @Test
  void isOpenApi31WithBearerSecurityAndBothServers() {
    assertEquals("3.1.0", doc.path("openapi").asString());
    assertEquals(Routes.API_VERSION, doc.path("info").path("version").asString());
    JsonNode bearer = doc.at("/components/securitySchemes/bearer");
    assertEquals("http", bearer.path("type").asString());
    assertEquals("bearer", bearer.path("scheme").asString());
    assertEquals(2, doc.path("servers").size(), "the socket and loopback TCP");
  }

  @Test
  void everyEndpointIsDocumentedAndNothingElse() {
    Set<String> documented = new TreeSet<>();
    for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
      for (String method : path.getValue().propertyNames()) {
        documented.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
      }
    }
    Set<String> endpoints = Stream.of(Routes.Endpoint.values()).map(Routes.Endpoint::toString)
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(endpoints, documented);
  }

  @Test
  void everyOperationDocumentsItsAnswersWithSchemas() {
    for (Routes.Endpoint e : Routes.Endpoint.values()) {
      JsonNode responses = operation(e).path("responses");
      assertTrue(responses.size() > 0, e + " has responses");
      for (Map.Entry<String, JsonNode> r : responses.properties()) {
        JsonNode response = resolve(r.getValue());
        assertFalse(response.path("content").isEmpty(), e + " " + r.getKey() + " has content");
        int status = Integer.parseInt(r.getKey());
        if (status >= 400) {
          assertEquals(List.of(Routes.MEDIA_PROBLEM_JSON),
              List.copyOf(response.path("content").propertyNames()), e + " " + status);
        }
      }
    }
    assertTrue(operation(Routes.Endpoint.EVENTS).at("/responses/200/content")
        .has(Routes.MEDIA_EVENT_STREAM));
    assertTrue(operation(Routes.Endpoint.METRICS).at("/responses/200/content")
        .has(Routes.MEDIA_PROMETHEUS_TEXT));
  }

  @Test
  void everyErrorCodeAndConflictIsInTheProblemSchema() {
    JsonNode problem = doc.at("/components/schemas/Problem/properties");
    assertEquals(ErrorCodes.statusTable().keySet(), strings(problem.at("/error/enum")));
    Set<String> conflicts = strings(problem.at("/conflict/enum"));
    assertEquals(new LinkedHashSet<>(ErrorCodes.CONFLICTS), conflicts);
    for (String member : List.of("daemon_fingerprint_prefix", "broker_message_id", "reason",
        "retry_after")) {
      assertTrue(problem.has(member), member);
    }
  }

  @Test
  void everyDocumentedErrorStatusIsTheStatusOfSomeCode() {
    Set<Integer> statuses = new TreeSet<>(ErrorCodes.statusTable().values());
    for (Routes.Endpoint e : Routes.Endpoint.values()) {
      for (String status : operation(e).path("responses").propertyNames()) {
        int s = Integer.parseInt(status);
        assertTrue(s < 400 || statuses.contains(s), e + " documents " + s + ", which no code has");
      }
    }
  }

  @Test
  void headersAndQueryParametersAreDocumented() {
    assertEquals(Routes.HEADER_IDEMPOTENCY_KEY,
        doc.at("/components/parameters/IdempotencyKey/name").asString());
    assertEquals(Routes.HEADER_LAST_EVENT_ID,
        operation(Routes.Endpoint.EVENTS).at("/parameters/0/name").asString());
    assertTrue(doc.at("/components/responses/TooManyRequests/headers")
        .has(Routes.HEADER_RETRY_AFTER));
    assertEquals(Set.of(Routes.QUERY_SINCE, Routes.QUERY_TOPIC, Routes.QUERY_FROM,
        Routes.QUERY_LIMIT, Routes.QUERY_CURSOR), parameterNames(Routes.Endpoint.INBOX));
    assertEquals(Set.of(Routes.QUERY_STATUS, Routes.QUERY_LIMIT, Routes.QUERY_CURSOR),
        parameterNames(Routes.Endpoint.OUTBOX));
    assertEquals(PageQuery.MAX_LIMIT,
        operation(Routes.Endpoint.INBOX).at("/parameters/3/schema/maximum").asInt());
    assertEquals(Set.of(OutboxRow.STATUS_PENDING, OutboxRow.STATUS_INFLIGHT, OutboxRow.STATUS_DONE,
        OutboxRow.STATUS_DEAD, OutboxRow.STATUS_ABORTED),
        strings(doc.at("/components/schemas/OutboxStatus/enum")));
  }

  @Test
  void eventKindsAreTheServerEventEnum() {
    Set<String> kinds = new LinkedHashSet<>(EventKinds.ALL);
    kinds.add(EventKinds.REPLAY_GAP);
    assertEquals(kinds, strings(doc.at("/components/schemas/ServerEvent/properties/event/enum")));
  }

  @Test
  void everyWireRecordHasASchemaWithItsJsonNamesAndRequiredMembers() throws Exception {
    List<Class<?>> records = wireRecords();
    assertTrue(records.size() >= 20, "found the records: " + records);
    JsonNode schemas = doc.at("/components/schemas");
    for (Class<?> type : records) {
      JsonNode schema = schemas.path(type.getSimpleName());
      assertFalse(schema.isMissingNode(), "no component schema " + type.getSimpleName());
      Set<String> names = new TreeSet<>();
      Set<String> required = new TreeSet<>();
      for (RecordComponent c : type.getRecordComponents()) {
        Json json = c.getAccessor().getAnnotation(Json.class);
        String name = json != null ? json.name() : c.getName();
        names.add(name);
        boolean nullable = c.getAnnotatedType().isAnnotationPresent(Nullable.class);
        if (!nullable) {
          required.add(name);
        }
        JsonNode property = schema.path("properties").path(name);
        assertEquals(nullable, allowsNull(property), type.getSimpleName() + "." + name
            + (nullable ? " is @Nullable: its schema must allow null" : " must not allow null"));
      }
      assertEquals(names, new TreeSet<>(schema.path("properties").propertyNames()),
          type.getSimpleName() + " property names");
      assertEquals(required, strings(schema.path("required")),
          type.getSimpleName() + " required members");
      assertFalse(schema.path("additionalProperties").asBoolean(true),
          type.getSimpleName() + " is closed");
    }
  }

  @Test
  void everyRefResolvesAndEverySchemaCompiles() {
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    assertFalse(refs.isEmpty());
    for (String ref : refs) {
      assertTrue(ref.startsWith("#/"), ref);
      assertFalse(doc.at(ref.substring(1)).isMissingNode(), "unresolved " + ref);
    }
    for (String name : doc.at("/components/schemas").propertyNames()) {
      componentSchema(name).validate(YAML.createObjectNode());
    }
  }

  /** Bodies the api's own writer produces fit their schemas (the daemon test checks real ones). */
  @Test
  void bodiesWrittenByApiJsonFitTheirSchemas() {
    Map<String, Object> samples = new java.util.LinkedHashMap<>();
    samples.put("Problem", Problem.idempotencyConflict(ErrorCodes.CONFLICT_DONE_MISMATCH,
        "0123456789abcdef", "b-1", null));
    samples.put("SendResponse", SendResponse.duplicate("k-1", "b-1", "h-1"));
    samples.put("SendRequest", new SendRequest("#general", "hi", "now",
        Map.of("a", List.of(1, 2)), "m-0", "k-1"));
    samples.put("Version", Version.current("0.1.0", 3, Map.of("max_payload",
        Map.of("inline_bytes", 65536))));
    samples.put("Heartbeat", new Heartbeat(true, 1L));
    samples.put("TopicList", new TopicList(List.of(new TopicList.Topic("general", true, null))));
    for (Map.Entry<String, Object> e : samples.entrySet()) {
      JsonNode body = YAML.readTree(ApiJson.toJson(e.getValue()));
      assertEquals(List.of(), componentSchema(e.getKey()).validate(body), e.getKey());
    }
    JsonNode bad = YAML.readTree("{\"title\":\"Conflict\",\"status\":409,"
        + "\"error\":\"no_such_code\"}");
    assertFalse(componentSchema("Problem").validate(bad).isEmpty(), "an unknown code fails");
  }

  private static com.networknt.schema.Schema componentSchema(String name) {
    // the document itself is the root, so that #/components/... references resolve
    ObjectNode root = (ObjectNode) doc.deepCopy();
    root.put("$ref", "#/components/schemas/" + name);
    return REGISTRY.getSchema(root);
  }

  private static List<Class<?>> wireRecords() throws IOException, URISyntaxException,
      ClassNotFoundException {
    Path classes = Path.of(Routes.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI()).resolve("dev/claudemesh/api");
    List<Class<?>> records = new ArrayList<>();
    try (Stream<Path> files = Files.list(classes)) {
      for (Path f : files.sorted().toList()) {
        String file = f.getFileName().toString();
        if (!file.endsWith(".class")) {
          continue;
        }
        Class<?> type = Class.forName("dev.claudemesh.api."
            + file.substring(0, file.length() - ".class".length()), false,
            Routes.class.getClassLoader());
        if (type.isRecord() && !NOT_BODIES.contains(type)) {
          records.add(type);
        }
      }
    }
    return records;
  }

  private static boolean allowsNull(JsonNode schema) {
    JsonNode s = resolve(schema);
    JsonNode type = s.path("type");
    if (type.isString() && type.asString().equals("null")) {
      return true;
    }
    if (type.isArray() && strings(type).contains("null")) {
      return true;
    }
    for (JsonNode alternative : s.path("oneOf")) {
      if (allowsNull(alternative)) {
        return true;
      }
    }
    return false;
  }

  private static JsonNode resolve(JsonNode node) {
    JsonNode n = node;
    while (n.has("$ref")) {
      n = doc.at(n.get("$ref").asString().substring(1));
    }
    return n;
  }

  private static JsonNode operation(Routes.Endpoint e) {
    JsonNode op = doc.path("paths").path(e.path())
        .path(e.method().toLowerCase(java.util.Locale.ROOT));
    assertFalse(op.isMissingNode(), e + " is documented");
    return op;
  }

  private static Set<String> parameterNames(Routes.Endpoint e) {
    Set<String> names = new TreeSet<>();
    for (JsonNode p : operation(e).path("parameters")) {
      names.add(resolve(p).path("name").asString());
    }
    return names;
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> out = new LinkedHashSet<>();
    for (JsonNode v : array) {
      if (!v.isNull()) {
        out.add(v.asString());
      }
    }
    return out;
  }

  private static void collectRefs(JsonNode node, List<String> refs) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (e.getKey().equals("$ref")) {
          refs.add(e.getValue().asString());
        } else {
          collectRefs(e.getValue(), refs);
        }
      }
    } else if (node.isArray()) {
      for (JsonNode v : node) {
        collectRefs(v, refs);
      }
    }
  }
}
