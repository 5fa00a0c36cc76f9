import { Reader } from '../../protocol/primitives/reader.ts'

/** protocol_type of groups of Kafka consumers ("consumer"); other types (e.g. "connect") are opaque. */
export const CONSUMER_PROTOCOL_TYPE = 'consumer'

/**
 * The topics of a ConsumerProtocolSubscription (the JoinGroup metadata of a Kafka consumer). Every version
 * starts with int16 version, then the topics array (int32 count, int16-length strings), the prefix Kafka
 * itself reads (ClassicGroup.computeSubscribedTopics parses version 0 of every version). Null when the
 * bytes are not a subscription.
 */
export function subscribedTopicsOf(metadata: Buffer): string[] | null {
  try {
    const r = new Reader(metadata)
    const version = r.readInt16()
    if (version < 0) return null
    const n = r.readArrayLength()
    const topics: string[] = []
    for (let i = 0; i < n; i++) topics.push(r.readString())
    return topics
  } catch {
    return null
  }
}

/** The partitions of a ConsumerProtocolAssignment (int16 version, [topic, [partition]], user data). */
export function assignedPartitionsOf(assignment: Buffer): { topic: string; partitions: number[] }[] | null {
  if (assignment.length === 0) return []
  try {
    const r = new Reader(assignment)
    if (r.readInt16() < 0) return null
    const n = r.readArrayLength()
    const out: { topic: string; partitions: number[] }[] = []
    for (let i = 0; i < n; i++) {
      const topic = r.readString()
      const count = r.readArrayLength()
      const partitions: number[] = []
      for (let j = 0; j < count; j++) partitions.push(r.readInt32())
      out.push({ topic, partitions })
    }
    return out
  } catch {
    return null
  }
}
