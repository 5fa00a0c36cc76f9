/** Kafka's ConfigResource types, as used in DescribeConfigs/AlterConfigs and ConfigRecord. */
export const ConfigResourceType = {
  Unknown: 0,
  Topic: 2,
  Broker: 4,
  BrokerLogger: 8,
  ClientMetrics: 16,
  Group: 32,
} as const
export type ConfigResourceType = (typeof ConfigResourceType)[keyof typeof ConfigResourceType]

export function configResourceKey(resourceType: number, resourceName: string): string {
  return `${resourceType}:${resourceName}`
}

/**
 * Dynamic configuration overrides per resource (topic configs; broker configs where the resource name
 * is a node id, or "" for the cluster-wide default). Immutable.
 */
export class ConfigurationsImage {
  static readonly EMPTY = new ConfigurationsImage(new Map())

  readonly #byResource: ReadonlyMap<string, ReadonlyMap<string, string>>

  constructor(byResource: ReadonlyMap<string, ReadonlyMap<string, string>>) {
    this.#byResource = byResource
  }

  get(resourceType: number, resourceName: string): ReadonlyMap<string, string> {
    return this.#byResource.get(configResourceKey(resourceType, resourceName)) ?? new Map()
  }

  /** The overrides as a plain record (what storage's buildLogConfig takes). */
  toRecord(resourceType: number, resourceName: string): Record<string, string> {
    return Object.fromEntries(this.get(resourceType, resourceName))
  }

  entries(): IterableIterator<[string, ReadonlyMap<string, string>]> {
    return this.#byResource.entries()
  }
}
