import type { OffsetAndMetadata } from './records/group-records.ts'

/** Committed offsets by group, topic and partition (Kafka's OffsetMetadataManager.Offsets). */
export class OffsetStore {
  readonly #byGroup = new Map<string, Map<string, Map<number, OffsetAndMetadata>>>()

  get(groupId: string, topic: string, partition: number): OffsetAndMetadata | undefined {
    return this.#byGroup.get(groupId)?.get(topic)?.get(partition)
  }

  /** The offsets of one group by topic; undefined when it has none. */
  group(groupId: string): ReadonlyMap<string, ReadonlyMap<number, OffsetAndMetadata>> | undefined {
    return this.#byGroup.get(groupId)
  }

  get groupIds(): IterableIterator<string> {
    return this.#byGroup.keys()
  }

  put(groupId: string, topic: string, partition: number, value: OffsetAndMetadata): OffsetAndMetadata | undefined {
    let topics = this.#byGroup.get(groupId)
    if (topics === undefined) {
      topics = new Map()
      this.#byGroup.set(groupId, topics)
    }
    let partitions = topics.get(topic)
    if (partitions === undefined) {
      partitions = new Map()
      topics.set(topic, partitions)
    }
    const previous = partitions.get(partition)
    partitions.set(partition, value)
    return previous
  }

  remove(groupId: string, topic: string, partition: number): OffsetAndMetadata | undefined {
    const topics = this.#byGroup.get(groupId)
    const partitions = topics?.get(topic)
    const removed = partitions?.get(partition)
    if (removed === undefined) return undefined
    partitions!.delete(partition)
    if (partitions!.size === 0) topics!.delete(topic)
    if (topics!.size === 0) this.#byGroup.delete(groupId)
    return removed
  }

  forEach(fn: (groupId: string, topic: string, partition: number, value: OffsetAndMetadata) => void): void {
    for (const [groupId, topics] of this.#byGroup)
      for (const [topic, partitions] of topics) for (const [p, v] of partitions) fn(groupId, topic, p, v)
  }
}
