package dev.claudemesh.broker.store;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The reference broker's durable state. Every method is one transaction (or one consistent read);
 * none exposes SQL. Implementations are thread-safe. Futures complete once the write is durable,
 * or exceptionally with an {@link IOException} when the store failed (callers answer 5xx).
 */
public interface BrokerStore extends AutoCloseable {

  // ---- meshes, members, invites ----

  /**
   * Creates a mesh.
   *
   * @throws IllegalStateException if the slug is taken
   */
  Mesh createMesh(String slug, ConnectionPolicy policy, long now) throws IOException;

  Optional<Mesh> meshById(String meshId) throws IOException;

  Optional<Mesh> meshBySlug(String slug) throws IOException;

  /** Stores a new invite for {@code meshId}; {@code expiresAt} null means it never expires. */
  void createInvite(String meshId, String token, int uses, boolean ephemeral, @Nullable Long expiresAt, long now)
      throws IOException;

  /**
   * Redeems {@code token} for {@code pubkey}: an existing (not revoked) member of the invite's
   * mesh gets its member back without spending a use; otherwise one use is spent and a member
   * with {@code newMemberId} is created, in one transaction.
   */
  JoinOutcome join(String token, String pubkey, String displayName, String newMemberId, long now)
      throws IOException;

  Optional<Member> memberById(String memberId) throws IOException;

  /** Active (not revoked) members of a mesh. */
  List<Member> activeMembers(String meshId) throws IOException;

  /** Marks every membership of {@code pubkey} revoked and returns them (empty: not a member). */
  List<Member> revokeMember(String pubkey) throws IOException;

  /** Deletes an ephemeral member with its subscriptions and open deliveries. */
  void removeMember(String memberId) throws IOException;

  // ---- topics ----

  /** Creates the topic if it is missing and subscribes {@code memberId}; idempotent. */
  void createTopic(String meshId, String name, String memberId, long now) throws IOException;

  /** Subscribes {@code memberId}; false if the topic does not exist. Idempotent. */
  boolean joinTopic(String meshId, String name, String memberId) throws IOException;

  /** Unsubscribes {@code memberId}; idempotent (also for an unknown topic). */
  void leaveTopic(String meshId, String name, String memberId) throws IOException;

  /** Deletes a topic and its subscriptions; false if it did not exist. */
  boolean deleteTopic(String meshId, String name) throws IOException;

  List<TopicView> topics(String meshId, String memberId) throws IOException;

  // ---- send (SPEC §8.1) ----

  /** B0: the dedupe row for a key, read without writing. */
  Optional<DedupeRecord> findDedupe(String meshId, String senderMemberId, String clientMessageId)
      throws IOException;

  /**
   * B2 and B3 in one transaction: claims the dedupe row (if the command is keyed), validates the
   * destination, and writes message, history and one delivery row per recipient. Any outcome but
   * {@link AcceptOutcome.Accepted} leaves nothing behind.
   */
  CompletableFuture<AcceptOutcome> acceptSend(SendCommand command);

  // ---- delivery (SPEC §8.4) ----

  /**
   * Leases up to {@code limit} open delivery rows of {@code memberId} to {@code owner}, oldest
   * first: rows never leased, rows whose lease ran out by {@code now}, and rows leased to a
   * connection not in {@code liveOwners}. Each leased row's attempts grow by one.
   */
  CompletableFuture<List<LeasedDelivery>> leaseOpenDeliveries(
      String memberId, String owner, Collection<String> liveOwners, long now, long leaseUntil, int limit);

  /** Members with at least one open row whose lease ran out by {@code now}. */
  List<String> membersWithDueDeliveries(long now) throws IOException;

  /** Completes a delivery row of {@code memberId}; false if it is unknown, foreign or done. */
  CompletableFuture<Boolean> completeDelivery(String deliveryId, String memberId, long now);

  /** Open (not yet acknowledged) delivery rows of a member, for tests and operators. */
  long openDeliveries(String memberId) throws IOException;

  // ---- retention (SPEC §8.3) ----

  /**
   * Deletes dedupe rows past {@code expires_at} (unless {@code permanentDedupe}), deletes
   * messages (with history and delivery rows) created before {@code messagesBefore}, marks their
   * dedupe rows {@code history_available=false}, and counts orphans.
   */
  SweepResult sweep(long now, boolean permanentDedupe, long messagesBefore) throws IOException;

  @Override
  void close();
}
