import { ClusterImage } from './cluster-image.ts'
import { ConfigurationsImage } from './configs-image.ts'
import { FeaturesImage } from './features-image.ts'
import { TopicsImage } from './topics-image.ts'

export interface MetadataImageParts {
  /** Offset of the last metadata record applied, -1 for none. */
  readonly offset: number
  readonly features: FeaturesImage
  readonly cluster: ClusterImage
  readonly topics: TopicsImage
  readonly configs: ConfigurationsImage
  /** Start of the next producer id block the controller hands out. */
  readonly nextProducerId: number
}

/**
 * The whole cluster metadata at one offset of the metadata log: an immutable aggregate (Kafka's
 * MetadataImage). Readers take the current image and use it without locks; a change is a MetadataDelta
 * replayed from records and applied into the next image.
 */
export class MetadataImage implements MetadataImageParts {
  static readonly EMPTY = new MetadataImage({
    offset: -1,
    features: FeaturesImage.EMPTY,
    cluster: ClusterImage.EMPTY,
    topics: TopicsImage.EMPTY,
    configs: ConfigurationsImage.EMPTY,
    nextProducerId: 0,
  })

  readonly offset: number
  readonly features: FeaturesImage
  readonly cluster: ClusterImage
  readonly topics: TopicsImage
  readonly configs: ConfigurationsImage
  readonly nextProducerId: number

  constructor(parts: MetadataImageParts) {
    this.offset = parts.offset
    this.features = parts.features
    this.cluster = parts.cluster
    this.topics = parts.topics
    this.configs = parts.configs
    this.nextProducerId = parts.nextProducerId
  }
}
