import type { OffsetAndMetadata } from './records/group-records.ts'

export const GroupType = { Classic: 'classic', Consumer: 'consumer' } as const
export type GroupType = (typeof GroupType)[keyof typeof GroupType]

/** What offset management needs from a group of either protocol (Kafka's Group interface). */
export interface Group {
  readonly groupId: string
  readonly type: GroupType
  /** Kafka's state name (Empty, Stable, ... for classic; Empty, Assigning, Reconciling, Stable, Dead for KIP-848). */
  readonly stateName: string
  readonly protocolTypeForListing: string
  readonly isEmpty: boolean
  /** Throws the KafkaProtocolError an OffsetCommit from this member gets. */
  validateOffsetCommit(
    memberId: string,
    groupInstanceId: string | null,
    generationIdOrMemberEpoch: number,
    isTransactional: boolean,
    apiVersion: number,
  ): void
  /** Throws GROUP_ID_NOT_FOUND (answered as "no offsets") or a member error. */
  validateOffsetFetch(memberId: string | null, memberEpoch: number): void
  validateOffsetDelete(): void
  validateDeleteGroup(): void
  isSubscribedToTopic(topic: string): boolean
  /**
   * From when an offset's retention counts, or null when offsets may not expire now (Kafka's
   * offsetExpirationCondition).
   */
  offsetExpirationBase(): ((offset: OffsetAndMetadata) => number) | null
}
