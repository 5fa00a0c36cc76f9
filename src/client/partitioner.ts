/**
 * Partition choice for records without an explicit partition, compatible with Kafka's Java client (and
 * kafkajs' DefaultPartitioner): a keyed record goes to toPositive(murmur2(key)) % partitionCount, so the
 * same key lands on the same partition whichever of these clients produced it.
 */

const SEED = 0x9747b28c
const M = 0x5bd1e995
const R = 24

/** Kafka's murmur2 (Utils.murmur2): 32-bit MurmurHash2 with Kafka's seed, as a signed int32. */
export function murmur2(data: Uint8Array): number {
  const length = data.length
  let h = (SEED ^ length) | 0
  const length4 = length >>> 2
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24)
    k = Math.imul(k, M)
    k ^= k >>> R
    k = Math.imul(k, M)
    h = Math.imul(h, M)
    h ^= k
  }
  // The tail bytes, cumulatively (the reference implementation's switch falls through).
  const tail = length & ~3
  const rest = length & 3
  if (rest === 3) h ^= data[tail + 2]! << 16
  if (rest >= 2) h ^= data[tail + 1]! << 8
  if (rest >= 1) {
    h ^= data[tail]!
    h = Math.imul(h, M)
  }
  h ^= h >>> 13
  h = Math.imul(h, M)
  h ^= h >>> 15
  return h | 0
}

/** Java's Utils.toPositive: clears the sign bit (not Math.abs, which differs for negative values). */
export function toPositive(n: number): number {
  return n & 0x7fffffff
}

/** The partition Kafka's default partitioner picks for a non-null key. */
export function partitionForKey(key: Uint8Array, partitionCount: number): number {
  return toPositive(murmur2(key)) % partitionCount
}

export interface PartitionerArgs {
  topic: string
  key: Buffer | null
  value: Buffer | null
  /** Number of partitions of the topic. */
  partitionCount: number
  /** Partitions that currently have a leader (all of them when none has). */
  availablePartitions: readonly number[]
}

/** Returns the partition for one record. */
export type Partitioner = (args: PartitionerArgs) => number

/**
 * Kafka's default: murmur2 for keyed records; records without a key stick to one partition until about
 * `batchBytes` have gone to it, then move to another at random (KIP-480/KIP-794, without the adaptive
 * load weighting), which fills batches instead of spreading tiny ones over every partition.
 */
export function createDefaultPartitioner(batchBytes: number): Partitioner {
  const sticky = new Map<string, { partition: number; bytes: number }>()
  return ({ topic, key, value, partitionCount, availablePartitions }) => {
    if (key !== null) return partitionForKey(key, partitionCount)
    const size = value === null ? 0 : value.length
    let state = sticky.get(topic)
    if (state === undefined || state.partition >= partitionCount || state.bytes >= batchBytes) {
      state = { partition: pickOther(availablePartitions, partitionCount, state?.partition ?? -1), bytes: 0 }
      sticky.set(topic, state)
    }
    state.bytes += size + 1
    return state.partition
  }
}

/** murmur2 for keyed records, round-robin over available partitions for the others (kafkajs' behaviour). */
export function createRoundRobinPartitioner(): Partitioner {
  const counters = new Map<string, number>()
  return ({ topic, key, partitionCount, availablePartitions }) => {
    if (key !== null) return partitionForKey(key, partitionCount)
    const next = ((counters.get(topic) ?? Math.floor(Math.random() * 0x7fffffff)) + 1) & 0x7fffffff
    counters.set(topic, next)
    if (availablePartitions.length > 0) return availablePartitions[next % availablePartitions.length]!
    return next % partitionCount
  }
}

function pickOther(available: readonly number[], partitionCount: number, previous: number): number {
  const pool = available.length > 0 ? available : null
  const size = pool === null ? partitionCount : pool.length
  if (size <= 1) return pool === null ? 0 : pool[0]!
  for (;;) {
    const i = Math.floor(Math.random() * size)
    const p = pool === null ? i : pool[i]!
    if (p !== previous) return p
  }
}
