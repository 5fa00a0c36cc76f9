import type { MetadataRecord } from '../records/metadata-record.ts'
import { type BrokerRegistration, ClusterImage } from './cluster-image.ts'
import { ConfigurationsImage, configResourceKey } from './configs-image.ts'
import { FeaturesImage } from './features-image.ts'
import { MetadataImage } from './metadata-image.ts'
import { type PartitionRegistration, type TopicImage, TopicsImage } from './topics-image.ts'

interface TopicChange {
  name: string
  topicId: string
  /** Partitions whose registration changed (or were created). */
  partitions: Map<number, PartitionRegistration>
  isNew: boolean
}

/**
 * Changes to a MetadataImage, accumulated by replaying metadata records (Kafka's MetadataDelta).
 * `replay` is the only way metadata changes, for the controller and the brokers alike, during normal
 * operation and during recovery. `apply` builds the next immutable image; the delta also tells
 * publishers exactly what changed (created/changed partitions, deleted topics).
 */
export class MetadataDelta {
  readonly image: MetadataImage
  readonly #topics = new Map<string, TopicChange>()
  readonly #deletedTopics = new Map<string, TopicImage>()
  readonly #brokers = new Map<number, BrokerRegistration | null>()
  readonly #configs = new Map<string, Map<string, string | null>>()
  readonly #features = new Map<string, number>()
  #nextProducerId: number | null = null

  constructor(image: MetadataImage) {
    this.image = image
  }

  replay(record: MetadataRecord): void {
    switch (record.type) {
      case 'TopicRecord': {
        const d = record.data
        this.#topics.set(d.topicId, { name: d.name, topicId: d.topicId, partitions: new Map(), isNew: true })
        this.#deletedTopics.delete(d.topicId)
        return
      }
      case 'PartitionRecord': {
        const d = record.data
        const change = this.#topicChange(d.topicId)
        change.partitions.set(d.partitionId, {
          partitionId: d.partitionId,
          replicas: d.replicas,
          isr: d.isr,
          removingReplicas: d.removingReplicas,
          addingReplicas: d.addingReplicas,
          leader: d.leader,
          leaderEpoch: d.leaderEpoch,
          partitionEpoch: d.partitionEpoch,
        })
        return
      }
      case 'PartitionChangeRecord': {
        const d = record.data
        const change = this.#topicChange(d.topicId)
        const prev =
          change.partitions.get(d.partitionId) ??
          this.image.topics.getTopicById(d.topicId)?.partitions.get(d.partitionId)
        if (prev === undefined)
          throw new Error(`PartitionChangeRecord for unknown partition ${d.topicId}-${d.partitionId}`)
        // As Kafka's PartitionRegistration.merge: a record that carries a leader (-2 means none) starts a new
        // leader epoch, even for the same leader; the controller sets it when it wants the bump (new leader,
        // replicas removed), so the image never has to guess.
        const newLeaderEpoch = d.leader !== -2
        change.partitions.set(d.partitionId, {
          ...prev,
          replicas: d.replicas ?? prev.replicas,
          isr: d.isr ?? prev.isr,
          removingReplicas: d.removingReplicas ?? prev.removingReplicas,
          addingReplicas: d.addingReplicas ?? prev.addingReplicas,
          leader: d.leader === -2 ? prev.leader : d.leader,
          leaderEpoch: newLeaderEpoch ? prev.leaderEpoch + 1 : prev.leaderEpoch,
          partitionEpoch: prev.partitionEpoch + 1,
        })
        return
      }
      case 'RemoveTopicRecord': {
        const id = record.data.topicId
        const existing = this.image.topics.getTopicById(id)
        this.#topics.delete(id)
        if (existing !== undefined) this.#deletedTopics.set(id, existing)
        return
      }
      case 'ConfigRecord': {
        const d = record.data
        const key = configResourceKey(d.resourceType, d.resourceName)
        let m = this.#configs.get(key)
        if (m === undefined) {
          m = new Map()
          this.#configs.set(key, m)
        }
        m.set(d.name, d.value)
        return
      }
      case 'RegisterBrokerRecord': {
        const d = record.data
        this.#brokers.set(d.brokerId, {
          id: d.brokerId,
          epoch: d.brokerEpoch,
          incarnationId: d.incarnationId,
          listeners: d.endPoints.map((e) => ({
            name: e.name,
            host: e.host,
            port: e.port,
            securityProtocol: e.securityProtocol,
          })),
          rack: d.rack,
          fenced: d.fenced,
          inControlledShutdown: d.inControlledShutdown,
        })
        return
      }
      case 'UnregisterBrokerRecord':
        this.#brokers.set(record.data.brokerId, null)
        return
      case 'FeatureLevelRecord':
        this.#features.set(record.data.name, record.data.featureLevel)
        return
      case 'ProducerIdsRecord':
        this.#nextProducerId = record.data.nextProducerId
        return
      case 'NoOpRecord':
        return
    }
  }

  #topicChange(topicId: string): TopicChange {
    let change = this.#topics.get(topicId)
    if (change === undefined) {
      const existing = this.image.topics.getTopicById(topicId)
      if (existing === undefined) throw new Error(`metadata record for unknown topic id ${topicId}`)
      change = { name: existing.name, topicId, partitions: new Map(), isNew: false }
      this.#topics.set(topicId, change)
    }
    return change
  }

  /** Topics created or changed in this delta, with only their changed partitions. */
  get changedTopics(): ReadonlyMap<string, Readonly<TopicChange>> {
    return this.#topics
  }

  /** Topics removed in this delta (their last image), by id. */
  get deletedTopics(): ReadonlyMap<string, TopicImage> {
    return this.#deletedTopics
  }

  get hasConfigChanges(): boolean {
    return this.#configs.size > 0
  }

  /** Resources whose configuration changed, as `${resourceType}:${resourceName}` keys. */
  get changedConfigResources(): readonly string[] {
    return [...this.#configs.keys()]
  }

  apply(offset: number): MetadataImage {
    const img = this.image
    return new MetadataImage({
      offset,
      features: this.#applyFeatures(img.features),
      cluster: this.#applyCluster(img.cluster),
      topics: this.#applyTopics(img.topics),
      configs: this.#applyConfigs(img.configs),
      nextProducerId: this.#nextProducerId ?? img.nextProducerId,
    })
  }

  #applyFeatures(prev: FeaturesImage): FeaturesImage {
    if (this.#features.size === 0) return prev
    const m = new Map(prev.finalized)
    for (const [k, v] of this.#features) {
      if (v === 0) m.delete(k)
      else m.set(k, v)
    }
    return new FeaturesImage(m)
  }

  #applyCluster(prev: ClusterImage): ClusterImage {
    if (this.#brokers.size === 0) return prev
    const m = new Map(prev.brokers)
    for (const [id, reg] of this.#brokers) {
      if (reg === null) m.delete(id)
      else m.set(id, reg)
    }
    return new ClusterImage(m)
  }

  #applyTopics(prev: TopicsImage): TopicsImage {
    if (this.#topics.size === 0 && this.#deletedTopics.size === 0) return prev
    const byId = new Map(prev.byId)
    const byName = new Map(prev.byName)
    for (const [id, t] of this.#deletedTopics) {
      byId.delete(id)
      if (byName.get(t.name)?.topicId === id) byName.delete(t.name)
    }
    for (const [id, change] of this.#topics) {
      const old = change.isNew ? undefined : prev.byId.get(id)
      const partitions = new Map(old?.partitions ?? [])
      for (const [p, reg] of change.partitions) partitions.set(p, reg)
      const topic: TopicImage = { name: change.name, topicId: id, partitions }
      byId.set(id, topic)
      byName.set(change.name, topic)
    }
    return new TopicsImage(byId, byName)
  }

  #applyConfigs(prev: ConfigurationsImage): ConfigurationsImage {
    const deletedTopicKeys = [...this.#deletedTopics.values()].map((t) => configResourceKey(2, t.name))
    if (this.#configs.size === 0 && deletedTopicKeys.length === 0) return prev
    const all = new Map<string, ReadonlyMap<string, string>>(prev.entries())
    // A deleted topic's configs go with it (Kafka drops them when the topic is removed).
    for (const key of deletedTopicKeys) all.delete(key)
    for (const [key, changes] of this.#configs) {
      const m = new Map(all.get(key) ?? [])
      for (const [k, v] of changes) {
        if (v === null) m.delete(k)
        else m.set(k, v)
      }
      if (m.size === 0) all.delete(key)
      else all.set(key, m)
    }
    return new ConfigurationsImage(all)
  }
}
