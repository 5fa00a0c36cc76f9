import type { BrokerConfig } from '../server/config.ts'
import type { ApiVersionRange } from './dispatcher.ts'

/**
 * The broker's capabilities, wired by server/node.ts (the only composition root). A handler's context
 * exposes only the services its type names, e.g. `RequestContext<'metadata' | 'replicaManager'>`.
 * Each member is an interface owned by the layer that implements it.
 */
export interface BrokerServices {
  /** The API ranges this broker serves (derived from the handler list). */
  readonly apiVersions: readonly ApiVersionRange[]
  /** The current broker configuration (replaced on dynamic changes). */
  readonly config: () => BrokerConfig
}
