import { ErrorCode } from '../../protocol/error-codes.ts'
import { KafkaProtocolError } from '../../protocol/kafka-protocol-error.ts'

/**
 * Places `partitionCount` partitions of `replicationFactor` replicas on the active brokers, striping
 * leaders across brokers and following each leader with the next brokers in id order (Kafka's
 * StripedReplicaPlacer without racks). `startPartition` continues an existing topic's pattern.
 */
export function placeReplicas(
  brokerIds: readonly number[],
  partitionCount: number,
  replicationFactor: number,
  startPartition = 0,
): number[][] {
  if (replicationFactor < 1)
    throw new KafkaProtocolError(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0.')
  if (replicationFactor > brokerIds.length) {
    throw new KafkaProtocolError(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only ${brokerIds.length} broker(s) are registered.`,
    )
  }
  const sorted = [...brokerIds].sort((a, b) => a - b)
  const out: number[][] = []
  for (let p = startPartition; p < startPartition + partitionCount; p++) {
    const replicas: number[] = []
    for (let i = 0; i < replicationFactor; i++) replicas.push(sorted[(p + i) % sorted.length]!)
    out.push(replicas)
  }
  return out
}

/** Checks an explicit assignment: known brokers, no duplicates, one replication factor throughout. */
export function validateAssignment(
  replicas: readonly number[],
  activeBrokerIds: ReadonlySet<number>,
  expectedReplicationFactor: number | null,
): void {
  if (replicas.length === 0)
    throw new KafkaProtocolError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'An empty replica assignment is not allowed.')
  if (new Set(replicas).size !== replicas.length) {
    throw new KafkaProtocolError(
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      `Duplicate brokers not allowed in replica assignment: ${replicas.join(', ')}.`,
    )
  }
  for (const id of replicas) {
    if (!activeBrokerIds.has(id)) {
      throw new KafkaProtocolError(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `The manual partition assignment includes broker ${id}, but no such broker is registered (registered: ${[...activeBrokerIds].join(', ')}).`,
      )
    }
  }
  if (expectedReplicationFactor !== null && replicas.length !== expectedReplicationFactor) {
    throw new KafkaProtocolError(
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      `The manual partition assignment includes a partition with ${replicas.length} replica(s), but this is not consistent with previous partitions, which have ${expectedReplicationFactor} replica(s).`,
    )
  }
}
