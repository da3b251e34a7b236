package dev.claudemesh.broker.store;

/** What {@link BrokerStore#join} decided. */
public sealed interface JoinOutcome {
  /** Joined ({@code existing}: the pubkey was already a member; no invite use was spent). */
  record Joined(Mesh mesh, Member member, boolean existing) implements JoinOutcome {}

  /** Refused with a stable error code: invite_unknown, invite_expired, invite_used_up, member_revoked. */
  record Refused(String code) implements JoinOutcome {}
}
