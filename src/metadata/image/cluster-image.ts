export interface BrokerEndpoint {
  readonly name: string
  readonly host: string
  readonly port: number
  readonly securityProtocol: number
}

export interface BrokerRegistration {
  readonly id: number
  readonly epoch: number
  readonly incarnationId: string
  readonly listeners: readonly BrokerEndpoint[]
  readonly rack: string | null
  readonly fenced: boolean
  readonly inControlledShutdown: boolean
}

/** The registered brokers. Immutable. */
export class ClusterImage {
  static readonly EMPTY = new ClusterImage(new Map())

  readonly brokers: ReadonlyMap<number, BrokerRegistration>

  constructor(brokers: ReadonlyMap<number, BrokerRegistration>) {
    this.brokers = brokers
  }

  /** Brokers that are not fenced: the ones that may hold replicas and lead partitions. */
  get activeBrokers(): BrokerRegistration[] {
    return [...this.brokers.values()].filter((b) => !b.fenced).sort((a, b) => a.id - b.id)
  }
}
