package dev.claudemesh.daemon.openapi;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.claudemesh.api.Routes;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The api module's {@code openapi.yaml} as a contract for real answers: the status must be
 * documented for the route (or, for a path or method the document does not list, in
 * {@code x-unrouted-responses}), the media type must be one documented for that status, the
 * documented headers must be present, and the body must validate against the schema (JSON
 * Schema 2020-12, with the document as the root so its references resolve). Event streams are
 * checked frame by frame against {@code ServerEvent}. Thread-safe.
 */
final class OpenApiContract {
  private static final String RESOURCE = "/dev/claudemesh/api/openapi.yaml";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JsonNode doc;
  private final SchemaRegistry registry =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
  private final Set<String> exercised = ConcurrentHashMap.newKeySet();

  private OpenApiContract(JsonNode doc) {
    this.doc = doc;
  }

  static OpenApiContract load() throws IOException {
    try (InputStream in = Routes.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath");
      }
      return new OpenApiContract(new YAMLMapper().readTree(in));
    }
  }

  /** {@code "POST /v1/send 202"} for every status the document lists for a route. */
  Set<String> documented() {
    Set<String> out = new TreeSet<>();
    for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
      for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
        for (String status : op.getValue().path("responses").propertyNames()) {
          out.add(key(op.getKey(), path.getKey(), status));
        }
      }
    }
    return out;
  }

  /** What {@link #check} has seen conform, in the form of {@link #documented}. */
  Set<String> exercised() {
    return new TreeSet<>(exercised);
  }

  /**
   * Fails unless {@code reply} to {@code method path} (no query) conforms to the document.
   *
   * @return the body as JSON, or null for a text answer
   */
  JsonNode check(String method, String path, RawHttp.Reply reply) {
    String where = method + " " + path + " answered " + reply.status();
    String status = Integer.toString(reply.status());
    JsonNode operation = doc.path("paths").path(path).path(method.toLowerCase(Locale.ROOT));
    JsonNode response = operation.isMissingNode()
        ? doc.path("x-unrouted-responses").path(status)
        : operation.path("responses").path(status);
    if (response.isMissingNode()) {
      throw new AssertionError(where + ", which the document does not list: " + reply);
    }
    String responsePointer = operation.isMissingNode()
        ? "/x-unrouted-responses/" + status
        : "/paths/" + escape(path) + "/" + method.toLowerCase(Locale.ROOT) + "/responses/"
            + status;
    while (response.has("$ref")) {
      responsePointer = response.get("$ref").asString().substring(1);
      response = doc.at(responsePointer);
    }
    for (String header : response.path("headers").propertyNames()) {
      if (reply.header(header) == null) {
        throw new AssertionError(where + " without the documented header " + header + ": "
            + reply);
      }
    }
    String contentType = reply.header("Content-Type");
    if (contentType == null) {
      throw new AssertionError(where + " without a Content-Type: " + reply);
    }
    String media = null;
    for (String documented : response.path("content").propertyNames()) {
      if (sameMediaType(documented, contentType)) {
        media = documented;
      }
    }
    if (media == null) {
      throw new AssertionError(where + " as " + contentType + "; documented: "
          + response.path("content").propertyNames());
    }
    String schemaPointer = responsePointer + "/content/" + escape(media) + "/schema";
    JsonNode body;
    if (media.equals(Routes.MEDIA_EVENT_STREAM)) {
      checkFrames(where, reply.body());
      body = null;
    } else if (base(media).endsWith("json")) {
      try {
        body = JSON.readTree(reply.body());
      } catch (JacksonException e) {
        throw new AssertionError(where + " with a body that is not JSON: " + reply, e);
      }
      List<Error> errors = schema(schemaPointer).validate(body);
      if (!errors.isEmpty()) {
        throw new AssertionError(where + " with a body that does not fit " + schemaPointer
            + ": " + errors + "\n" + reply.body());
      }
    } else {
      List<Error> errors = schema(schemaPointer).validate(JSON.getNodeFactory()
          .stringNode(reply.body()));
      if (!errors.isEmpty()) {
        throw new AssertionError(where + ": " + errors);
      }
      body = null;
    }
    if (!operation.isMissingNode()) {
      exercised.add(key(method, path, status));
    } else {
      exercised.add("unrouted " + status);
    }
    return body;
  }

  /** Every complete {@code id/event/data} frame of an event stream fits {@code ServerEvent}. */
  private void checkFrames(String where, String stream) {
    Schema frameSchema = schema("/components/schemas/ServerEvent");
    String[] blocks = stream.split("\n\n", -1);
    // the last block is incomplete or empty: only whole frames are checked
    for (int i = 0; i < blocks.length - 1; i++) {
      ObjectNode frame = JSON.createObjectNode();
      boolean any = false;
      for (String line : blocks[i].split("\n")) {
        if (line.isEmpty() || line.startsWith(":")) {
          continue;
        }
        any = true;
        int colon = line.indexOf(':');
        if (colon < 0) {
          throw new AssertionError(where + ": a frame line without a field: " + line);
        }
        String field = line.substring(0, colon);
        String value = line.substring(colon + 1).stripLeading();
        switch (field) {
          case "id" -> frame.put("id", Long.parseLong(value));
          case "event" -> frame.put("event", value);
          case "data" -> frame.set("data", JSON.readTree(value));
          default -> throw new AssertionError(where + ": an undocumented field " + field);
        }
      }
      if (any) {
        List<Error> errors = frameSchema.validate(frame);
        if (!errors.isEmpty()) {
          throw new AssertionError(where + ": frame " + frame + " does not fit ServerEvent: "
              + errors);
        }
      }
    }
  }

  /** The events of the complete frames of {@code stream}, in order. */
  static List<String> frameEvents(String stream) {
    List<String> events = new ArrayList<>();
    String[] blocks = stream.split("\n\n", -1);
    for (int i = 0; i < blocks.length - 1; i++) {
      for (String line : blocks[i].split("\n")) {
        if (line.startsWith("event:")) {
          events.add(line.substring("event:".length()).strip());
        }
      }
    }
    return events;
  }

  private Schema schema(String pointer) {
    return schemas.computeIfAbsent(pointer, p -> {
      ObjectNode root = (ObjectNode) doc.deepCopy();
      root.put("$ref", "#" + p);
      return registry.getSchema(root);
    });
  }

  private static boolean sameMediaType(String documented, String actual) {
    if (!base(documented).equals(base(actual))) {
      return false;
    }
    // every parameter the document names (version=0.0.4, charset) must be there
    String actualParams = actual.toLowerCase(Locale.ROOT).replace(" ", "");
    String[] params = documented.toLowerCase(Locale.ROOT).replace(" ", "").split(";");
    for (int i = 1; i < params.length; i++) {
      if (!actualParams.contains(";" + params[i])) {
        return false;
      }
    }
    return true;
  }

  private static String base(String mediaType) {
    int semi = mediaType.indexOf(';');
    return (semi < 0 ? mediaType : mediaType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  private static String escape(String pointerToken) {
    return pointerToken.replace("~", "~0").replace("/", "~1");
  }

  static String key(String method, String path, String status) {
    return method.toUpperCase(Locale.ROOT) + " " + path + " " + status;
  }
}
