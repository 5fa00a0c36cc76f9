/** The broker settings the group coordinator reads (a view of the broker configuration, Kafka's names). */
export interface GroupConfigSource {
  getInt(key: string): number
  getLong(key: string): number
  getString(key: string): string
}

/** Kafka's GroupCoordinatorConfig, resolved once from the broker configuration. */
export interface GroupCoordinatorConfig {
  readonly offsetsTopicNumPartitions: number
  readonly offsetsTopicReplicationFactor: number
  readonly offsetsTopicSegmentBytes: number
  readonly offsetsRetentionMs: number
  readonly offsetsRetentionCheckIntervalMs: number
  readonly offsetMetadataMaxBytes: number
  readonly offsetsLoadBufferBytes: number
  readonly offsetCommitTimeoutMs: number
  readonly groupInitialRebalanceDelayMs: number
  readonly groupMinSessionTimeoutMs: number
  readonly groupMaxSessionTimeoutMs: number
  readonly groupMaxSize: number
  /** How long a new member's parked JoinGroup may wait (Kafka: 5 minutes, not configurable). */
  readonly groupNewMemberJoinTimeoutMs: number
  readonly consumerGroupSessionTimeoutMs: number
  readonly consumerGroupHeartbeatIntervalMs: number
  readonly consumerGroupMaxSize: number
  /** KIP-848 server-side assignors by name; the first is the default. */
  readonly consumerGroupAssignors: readonly string[]
  /** group.coordinator.rebalance.protocols: "classic", "consumer". */
  readonly rebalanceProtocols: readonly string[]
}

const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
}

export function groupCoordinatorConfigFrom(c: GroupConfigSource): GroupCoordinatorConfig {
  return {
    offsetsTopicNumPartitions: c.getInt('offsets.topic.num.partitions'),
    offsetsTopicReplicationFactor: c.getInt('offsets.topic.replication.factor'),
    offsetsTopicSegmentBytes: c.getInt('offsets.topic.segment.bytes'),
    offsetsRetentionMs: c.getInt('offsets.retention.minutes') * 60_000,
    offsetsRetentionCheckIntervalMs: c.getLong('offsets.retention.check.interval.ms'),
    offsetMetadataMaxBytes: c.getInt('offset.metadata.max.bytes'),
    offsetsLoadBufferBytes: c.getInt('offsets.load.buffer.size'),
    offsetCommitTimeoutMs: c.getInt('offsets.commit.timeout.ms'),
    groupInitialRebalanceDelayMs: c.getInt('group.initial.rebalance.delay.ms'),
    groupMinSessionTimeoutMs: c.getInt('group.min.session.timeout.ms'),
    groupMaxSessionTimeoutMs: c.getInt('group.max.session.timeout.ms'),
    groupMaxSize: c.getInt('group.max.size'),
    groupNewMemberJoinTimeoutMs: NEW_MEMBER_JOIN_TIMEOUT_MS,
    consumerGroupSessionTimeoutMs: c.getInt('group.consumer.session.timeout.ms'),
    consumerGroupHeartbeatIntervalMs: c.getInt('group.consumer.heartbeat.interval.ms'),
    consumerGroupMaxSize: c.getInt('group.consumer.max.size'),
    consumerGroupAssignors: list(c.getString('group.consumer.assignors')),
    rebalanceProtocols: list(c.getString('group.coordinator.rebalance.protocols')),
  }
}

/** Kafka's defaults, for tests. */
export const DEFAULT_GROUP_COORDINATOR_CONFIG: GroupCoordinatorConfig = {
  offsetsTopicNumPartitions: 50,
  offsetsTopicReplicationFactor: 3,
  offsetsTopicSegmentBytes: 104857600,
  offsetsRetentionMs: 10080 * 60_000,
  offsetsRetentionCheckIntervalMs: 600_000,
  offsetMetadataMaxBytes: 4096,
  offsetsLoadBufferBytes: 5 * 1024 * 1024,
  offsetCommitTimeoutMs: 5000,
  groupInitialRebalanceDelayMs: 3000,
  groupMinSessionTimeoutMs: 6000,
  groupMaxSessionTimeoutMs: 1_800_000,
  groupMaxSize: 2147483647,
  groupNewMemberJoinTimeoutMs: NEW_MEMBER_JOIN_TIMEOUT_MS,
  consumerGroupSessionTimeoutMs: 45000,
  consumerGroupHeartbeatIntervalMs: 5000,
  consumerGroupMaxSize: 2147483647,
  consumerGroupAssignors: ['uniform', 'range'],
  rebalanceProtocols: ['classic', 'consumer'],
}
