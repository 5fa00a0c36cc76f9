/** One partition's replicas, ISR and leadership, as the controller last decided it. */
export interface PartitionRegistration {
  readonly partitionId: number
  readonly replicas: readonly number[]
  readonly isr: readonly number[]
  readonly removingReplicas: readonly number[]
  readonly addingReplicas: readonly number[]
  /** Node id of the leader, -1 when there is none. */
  readonly leader: number
  readonly leaderEpoch: number
  /** Bumped on every change of this registration. */
  readonly partitionEpoch: number
}

export interface TopicImage {
  readonly name: string
  readonly topicId: string
  readonly partitions: ReadonlyMap<number, PartitionRegistration>
}

/** Every topic, by id and by name. Immutable: a change builds a new TopicsImage (see TopicsDelta). */
export class TopicsImage {
  static readonly EMPTY = new TopicsImage(new Map(), new Map())

  readonly byId: ReadonlyMap<string, TopicImage>
  readonly byName: ReadonlyMap<string, TopicImage>

  constructor(byId: ReadonlyMap<string, TopicImage>, byName: ReadonlyMap<string, TopicImage>) {
    this.byId = byId
    this.byName = byName
  }

  getTopic(name: string): TopicImage | undefined {
    return this.byName.get(name)
  }

  getTopicById(topicId: string): TopicImage | undefined {
    return this.byId.get(topicId)
  }

  getPartition(name: string, partition: number): PartitionRegistration | undefined {
    return this.byName.get(name)?.partitions.get(partition)
  }
}
