import type { Clock } from '../../common/clock.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type {
  JoinGroupResponse,
  JoinGroupResponseJoinGroupResponseMember,
} from '../../protocol/generated/join-group.ts'
import type { SyncGroupResponse } from '../../protocol/generated/sync-group.ts'
import { KafkaProtocolError } from '../../protocol/kafka-protocol-error.ts'
import { ClassicGroupMember, type MemberProtocol } from './classic-group-member.ts'
import {
  classicOffsetExpirationBase,
  fencedJoinResponse,
  fencedSyncResponse,
  validateClassicOffsetCommit,
} from './classic-group-rules.ts'
import { CONSUMER_PROTOCOL_TYPE, subscribedTopicsOf } from './consumer-protocol.ts'
import { type Group, GroupType } from './group.ts'
import { assertValidTransition, ClassicGroupState } from './group-state.ts'
import type { OffsetAndMetadata } from './records/group-records.ts'

const S = ClassicGroupState

export interface ClassicGroupInit {
  readonly groupId: string
  readonly state: ClassicGroupState
  readonly clock: Clock
  readonly generationId?: number
  readonly protocolType?: string | null
  readonly protocolName?: string | null
  readonly leaderId?: string | null
  readonly currentStateTimestampMs?: number | null
}

/**
 * A classic consumer group (Kafka's ClassicGroup): members keyed by member id, static members by
 * group.instance.id, members that still have to rejoin, the protocol chosen for the generation. State
 * changes only through `transitionTo`, which asserts the transition table of group-state.ts.
 */
export class ClassicGroup implements Group {
  readonly type = GroupType.Classic
  readonly groupId: string
  readonly #clock: Clock
  #state: ClassicGroupState
  #previousState: ClassicGroupState = S.Dead
  #currentStateTimestampMs: number | null
  protocolType: string | null
  protocolName: string | null
  generationId: number
  leaderId: string | null
  readonly members = new Map<string, ClassicGroupMember>()
  readonly #staticMembers = new Map<string, string>()
  readonly #pendingJoinMembers = new Set<string>()
  readonly #pendingSyncMembers = new Set<string>()
  readonly #supportedProtocols = new Map<string, number>()
  #numMembersAwaitingJoin = 0
  /** Topics the members subscribe to; null when unknown (not a consumer group, or unparsable). */
  subscribedTopics: ReadonlySet<string> | null = null
  /** A member joined during the initial rebalance delay, which is then extended. */
  newMemberAdded = false

  constructor(init: ClassicGroupInit) {
    this.groupId = init.groupId
    this.#clock = init.clock
    this.#state = init.state
    this.generationId = init.generationId ?? 0
    this.protocolType = init.protocolType ?? null
    this.protocolName = init.protocolName ?? null
    this.leaderId = init.leaderId ?? null
    this.#currentStateTimestampMs =
      init.currentStateTimestampMs === undefined ? init.clock.nowMs() : init.currentStateTimestampMs
  }

  get state(): ClassicGroupState {
    return this.#state
  }

  get previousState(): ClassicGroupState {
    return this.#previousState
  }

  /** When the group entered its current state (KIP-211: offsets of an empty group expire from then). */
  get currentStateTimestampMs(): number | null {
    return this.#currentStateTimestampMs
  }

  is(state: ClassicGroupState): boolean {
    return this.#state === state
  }

  transitionTo(state: ClassicGroupState): void {
    assertValidTransition(this.groupId, this.#state, state)
    this.#previousState = this.#state
    this.#state = state
    this.#currentStateTimestampMs = this.#clock.nowMs()
  }

  /** Can a rebalance start from the current state? */
  get canRebalance(): boolean {
    return this.#state === S.Stable || this.#state === S.CompletingRebalance || this.#state === S.Empty
  }

  /** A group created only to hold offsets committed without group management. */
  get isSimpleGroup(): boolean {
    return this.protocolType === null && this.is(S.Empty) && this.#pendingJoinMembers.size === 0
  }

  get usesConsumerProtocol(): boolean {
    return this.protocolType === CONSUMER_PROTOCOL_TYPE
  }

  member(memberId: string): ClassicGroupMember {
    const m = this.members.get(memberId)
    if (m === undefined) throw new KafkaProtocolError(ErrorCode.UNKNOWN_MEMBER_ID)
    return m
  }

  hasMember(memberId: string): boolean {
    return this.members.has(memberId)
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId
  }

  get numAwaitingJoinResponse(): number {
    return this.#numMembersAwaitingJoin
  }

  get hasAllMembersJoined(): boolean {
    return this.members.size === this.#numMembersAwaitingJoin && this.#pendingJoinMembers.size === 0
  }

  /** The largest rebalance timeout of the members: how long a rebalance may take. */
  get rebalanceTimeoutMs(): number {
    let max = 0
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs)
    return max
  }

  add(member: ClassicGroupMember, onJoin: ClassicGroupMember['awaitingJoin'] = null): void {
    if (member.groupInstanceId !== null) {
      if (this.#staticMembers.has(member.groupInstanceId))
        throw new Error(`Static member ${member.groupInstanceId} is already a member of group ${this.groupId}`)
      this.#staticMembers.set(member.groupInstanceId, member.memberId)
    }
    if (this.members.size === 0) this.protocolType = member.protocolType
    if (this.protocolType !== member.protocolType)
      throw new Error("The group and member's protocol type must be the same.")
    this.leaderId ??= member.memberId
    this.members.set(member.memberId, member)
    this.#countProtocols(member.supportedProtocols, 1)
    member.awaitingJoin = onJoin
    if (member.isAwaitingJoin) this.#numMembersAwaitingJoin++
    this.#pendingJoinMembers.delete(member.memberId)
  }

  remove(memberId: string): void {
    const removed = this.members.get(memberId)
    if (removed !== undefined) {
      this.members.delete(memberId)
      this.#countProtocols(removed.supportedProtocols, -1)
      if (removed.isAwaitingJoin) this.#numMembersAwaitingJoin--
      if (removed.groupInstanceId !== null) this.#staticMembers.delete(removed.groupInstanceId)
    }
    if (this.isLeader(memberId)) this.leaderId = this.members.keys().next().value ?? null
    this.#pendingJoinMembers.delete(memberId)
    this.#pendingSyncMembers.delete(memberId)
  }

  /** Makes a member that rejoined the leader when the leader did not; false when nobody rejoined. */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false
    const leader = this.members.get(this.leaderId)
    if (leader?.isAwaitingJoin) return true
    for (const m of this.members.values()) {
      if (m.isAwaitingJoin) {
        this.leaderId = m.memberId
        return true
      }
    }
    return false
  }

  #countProtocols(protocols: readonly MemberProtocol[], delta: number): void {
    for (const p of protocols) this.#supportedProtocols.set(p.name, (this.#supportedProtocols.get(p.name) ?? 0) + delta)
  }

  updateMember(
    member: ClassicGroupMember,
    protocols: readonly MemberProtocol[],
    rebalanceTimeoutMs: number,
    sessionTimeoutMs: number,
    onJoin: ClassicGroupMember['awaitingJoin'],
  ): void {
    this.#countProtocols(member.supportedProtocols, -1)
    member.supportedProtocols = protocols
    this.#countProtocols(protocols, 1)
    member.rebalanceTimeoutMs = rebalanceTimeoutMs
    member.sessionTimeoutMs = sessionTimeoutMs
    if (onJoin !== null && !member.isAwaitingJoin) this.#numMembersAwaitingJoin++
    else if (onJoin === null && member.isAwaitingJoin) this.#numMembersAwaitingJoin--
    member.awaitingJoin = onJoin
  }

  completeJoin(member: ClassicGroupMember, response: JoinGroupResponse): boolean {
    const callback = member.awaitingJoin
    if (callback === null) return false
    member.awaitingJoin = null
    this.#numMembersAwaitingJoin--
    callback(response)
    return true
  }

  completeSync(member: ClassicGroupMember, response: SyncGroupResponse): boolean {
    const callback = member.awaitingSync
    if (callback === null) return false
    member.awaitingSync = null
    callback(response)
    return true
  }

  // ---- static membership (KIP-345)

  staticMemberId(groupInstanceId: string): string | undefined {
    return this.#staticMembers.get(groupInstanceId)
  }

  get staticMemberCount(): number {
    return this.#staticMembers.size
  }

  /** Replaces a static member's member id (a restart): the old id is fenced, protocols and assignment kept. */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): ClassicGroupMember {
    const removed = this.members.get(oldMemberId)
    if (removed === undefined) throw new Error(`Cannot replace non-existing member id ${oldMemberId}`)
    this.members.delete(oldMemberId)
    this.completeJoin(removed, fencedJoinResponse(oldMemberId))
    this.completeSync(removed, fencedSyncResponse())
    const replacement = new ClassicGroupMember({
      memberId: newMemberId,
      groupInstanceId: removed.groupInstanceId,
      clientId: removed.clientId,
      clientHost: removed.clientHost,
      rebalanceTimeoutMs: removed.rebalanceTimeoutMs,
      sessionTimeoutMs: removed.sessionTimeoutMs,
      protocolType: removed.protocolType,
      supportedProtocols: removed.supportedProtocols,
      assignment: removed.assignment,
    })
    this.members.set(newMemberId, replacement)
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId
    this.#staticMembers.set(groupInstanceId, newMemberId)
    return replacement
  }

  // ---- pending members (KIP-394) and pending syncs

  isPendingMember(memberId: string): boolean {
    return this.#pendingJoinMembers.has(memberId)
  }

  addPendingMember(memberId: string): void {
    if (this.hasMember(memberId)) throw new Error(`Pending member ${memberId} is already a member`)
    this.#pendingJoinMembers.add(memberId)
  }

  get numPendingJoinMembers(): number {
    return this.#pendingJoinMembers.size
  }

  addPendingSyncMember(memberId: string): void {
    this.#pendingSyncMembers.add(memberId)
  }

  removePendingSyncMember(memberId: string): void {
    this.#pendingSyncMembers.delete(memberId)
  }

  get hasReceivedSyncFromAllMembers(): boolean {
    return this.#pendingSyncMembers.size === 0
  }

  get pendingSyncMembers(): ReadonlySet<string> {
    return this.#pendingSyncMembers
  }

  clearPendingSyncMembers(): void {
    this.#pendingSyncMembers.clear()
  }

  /**
   * Kafka's validateMember: a static member must use the member id its instance id maps to
   * (FENCED_INSTANCE_ID otherwise, UNKNOWN_MEMBER_ID when the instance id is unknown); the member id
   * must belong to the group.
   */
  validateMember(memberId: string, groupInstanceId: string | null): void {
    if (groupInstanceId !== null) {
      const existing = this.#staticMembers.get(groupInstanceId)
      if (existing === undefined) throw new KafkaProtocolError(ErrorCode.UNKNOWN_MEMBER_ID)
      if (existing !== memberId) throw new KafkaProtocolError(ErrorCode.FENCED_INSTANCE_ID)
    }
    if (!this.hasMember(memberId)) throw new KafkaProtocolError(ErrorCode.UNKNOWN_MEMBER_ID)
  }

  // ---- protocols

  /** Can a member with this protocol type and these protocol names join? */
  supportsProtocols(protocolType: string, protocolNames: readonly string[]): boolean {
    if (this.is(S.Empty)) return protocolType.length > 0 && protocolNames.length > 0
    return (
      this.protocolType === protocolType &&
      protocolNames.some((n) => (this.#supportedProtocols.get(n) ?? 0) === this.members.size)
    )
  }

  /** The protocol every member supports that most members prefer (Kafka's selectProtocol). */
  selectProtocol(): string {
    if (this.members.size === 0) throw new Error('Cannot select protocol for empty group')
    const candidates = new Set<string>()
    for (const [name, count] of this.#supportedProtocols) if (count === this.members.size) candidates.add(name)
    const votes = new Map<string, number>()
    for (const m of this.members.values()) {
      const choice = m.vote(candidates)
      votes.set(choice, (votes.get(choice) ?? 0) + 1)
    }
    let best: string | null = null
    let bestVotes = -1
    for (const [name, n] of votes) {
      if (n > bestVotes) {
        best = name
        bestVotes = n
      }
    }
    return best!
  }

  /** Moves to the next generation: CompletingRebalance with members, Empty without. */
  initNextGeneration(): void {
    this.generationId++
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol()
      this.subscribedTopics = this.computeSubscribedTopics()
      this.transitionTo(S.CompletingRebalance)
    } else {
      this.protocolName = null
      this.subscribedTopics = this.computeSubscribedTopics()
      this.transitionTo(S.Empty)
    }
    this.clearPendingSyncMembers()
  }

  /** Union of the members' subscriptions when this is a consumer group, else null (unknown). */
  computeSubscribedTopics(): ReadonlySet<string> | null {
    if (this.protocolType !== CONSUMER_PROTOCOL_TYPE) return null
    if (this.members.size === 0) return new Set()
    if (this.protocolName === null) return null
    const topics = new Set<string>()
    for (const m of this.members.values()) {
      const t = subscribedTopicsOf(m.metadata(this.protocolName))
      if (t === null) return null
      for (const x of t) topics.add(x)
    }
    return topics
  }

  /** Do this group's consumers subscribe to `topic`? (Unknown subscriptions count as yes for consumers.) */
  isSubscribedToTopic(topic: string): boolean {
    if (this.subscribedTopics !== null) return this.subscribedTopics.has(topic)
    return this.usesConsumerProtocol
  }

  // ---- Group (offsets, deletion, listing)

  get stateName(): string {
    return this.#state
  }

  get protocolTypeForListing(): string {
    return this.protocolType ?? ''
  }

  get isEmpty(): boolean {
    return this.is(S.Empty)
  }

  validateOffsetCommit(
    memberId: string,
    groupInstanceId: string | null,
    generationId: number,
    isTransactional: boolean,
  ): void {
    validateClassicOffsetCommit(this, memberId, groupInstanceId, generationId, isTransactional)
  }

  validateOffsetFetch(): void {
    if (this.is(S.Dead)) throw new KafkaProtocolError(ErrorCode.GROUP_ID_NOT_FOUND)
  }

  validateOffsetDelete(): void {
    if (this.is(S.Dead)) throw new KafkaProtocolError(ErrorCode.GROUP_ID_NOT_FOUND)
    if (!this.is(S.Empty) && !this.usesConsumerProtocol) throw new KafkaProtocolError(ErrorCode.NON_EMPTY_GROUP)
  }

  validateDeleteGroup(): void {
    if (this.is(S.Dead)) throw new KafkaProtocolError(ErrorCode.GROUP_ID_NOT_FOUND)
    if (!this.is(S.Empty)) throw new KafkaProtocolError(ErrorCode.NON_EMPTY_GROUP)
  }

  offsetExpirationBase(): ((offset: OffsetAndMetadata) => number) | null {
    return classicOffsetExpirationBase(this)
  }

  /** The members as the leader's JoinGroup response lists them. */
  currentMembersForLeader(): JoinGroupResponseJoinGroupResponseMember[] {
    const protocol = this.protocolName ?? ''
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadata(protocol),
    }))
  }
}
