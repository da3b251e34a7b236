package dev.claudemesh.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.claudemesh.core.CapturedLogs;
import dev.claudemesh.core.crypto.Ed25519SigningKey;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/join} (SPEC §8.6). */
class JoinTest extends BrokerTestBase {

  @Test
  void joinReturnsTheMembership() throws Exception {
    String invite = CapturedLogs.rememberSecret(broker.createInvite(mesh.slug(), 2, false));
    Ed25519SigningKey key = newKey();
    HttpResult r = postJoin(key, invite, "alice", clock.millis());
    assertEquals(200, r.status());
    assertEquals(mesh.id(), r.json().get("mesh_id"));
    assertEquals(mesh.slug(), r.json().get("slug"));
    assertEquals(broker.wsUrl(), r.json().get("broker_url"));
    connect(new TestMember(key, (String) r.json().get("member_id"), mesh.id(), "alice"));
  }

  @Test
  void inviteTokensNeverBeginWithADashSoCommandLinesDoNotReadThemAsOptions() throws Exception {
    // without the redraw 1 in 64 would: 600 tokens all clean by chance is under 1 in 10,000
    for (int i = 0; i < 600; i++) {
      String token = broker.createInvite(mesh.slug(), 1, false);
      org.junit.jupiter.api.Assertions.assertTrue(token.matches("[A-Za-z0-9_][A-Za-z0-9_-]{42}"),
          "token " + i + " has the wrong shape");
    }
  }

  @Test
  void sameKeyJoiningAgainGetsItsMemberWithoutSpendingAUse() throws Exception {
    String invite = broker.createInvite(mesh.slug(), 1, false);
    Ed25519SigningKey key = newKey();
    HttpResult first = postJoin(key, invite, "alice", clock.millis());
    HttpResult again = postJoin(key, invite, "alice", clock.millis());
    assertEquals(200, again.status());
    assertEquals(first.json().get("member_id"), again.json().get("member_id"));
    HttpResult other = postJoin(newKey(), invite, "bob", clock.millis());
    assertEquals(403, other.status());
    assertEquals("invite_used_up", other.error());
  }

  @Test
  void unknownAndExpiredInvitesAre403() throws Exception {
    assertEquals("invite_unknown", postJoin(newKey(), "no-such-invite", "x", clock.millis()).error());
    String invite = broker.createInvite(mesh.slug(), 5, false, Duration.ofHours(1));
    clock.advance(Duration.ofHours(2));
    HttpResult expired = postJoin(newKey(), invite, "late", clock.millis());
    assertEquals(403, expired.status());
    assertEquals("invite_expired", expired.error());
  }

  @Test
  void badSignatureAndSkewAre401() throws Exception {
    String invite = broker.createInvite(mesh.slug(), 1, false);
    Ed25519SigningKey key = newKey();
    HttpResult skew = postJoin(key, invite, "alice", clock.millis() - 61_000);
    assertEquals(401, skew.status());
    assertEquals("clock_skew", skew.error());
    long now = clock.millis();
    String forged = "{\"display_name\":\"alice\",\"invite\":\"" + invite + "\",\"pubkey\":\"" + key.publicKey().hex()
        + "\",\"signature\":\"" + newKey().signHex("join|" + invite + "|" + key.publicKey().hex() + "|" + now)
        + "\",\"timestamp\":" + now + "}";
    HttpResult bad = post("/v1/join", forged);
    assertEquals(401, bad.status());
    assertEquals("signature_invalid", bad.error());
    assertEquals(200, postJoin(key, invite, "alice", clock.millis()).status(), "no use was spent");
  }

  @Test
  void malformedBodiesAre400AndHugeOnes413() throws Exception {
    assertEquals("invalid_request", post("/v1/join", "not json").error());
    assertEquals(400, post("/v1/join", "[]").status());
    assertEquals(400, post("/v1/join", "{\"invite\":\"x\"}").status());
    assertEquals(400, post("/v1/join", "{\"invite\":\"x\",\"pubkey\":\"ABC\",\"display_name\":\"a\","
        + "\"timestamp\":1,\"signature\":\"00\"}").status());
    HttpResult huge = post("/v1/join", "{\"invite\":\"" + "x".repeat(70_000) + "\"}");
    assertEquals(413, huge.status());
    assertEquals("body_too_large", huge.error());
  }

  @Test
  void healthzAnswers() throws Exception {
    String body = get("/healthz");
    assertEquals("ok", ((java.util.Map<?, ?>) dev.claudemesh.core.jcs.Jcs.parse(body)).get("status"));
  }
}
