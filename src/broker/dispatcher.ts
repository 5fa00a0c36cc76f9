import type { AnyApiHandler } from './handler.ts'
import type { ApiVersionRange } from './services.ts'

/**
 * Turns the handler list into an array indexed by API key (Redpanda's handler LUT): dispatch is an
 * index, not a switch, and the advertised ranges come from the same list the requests are served by.
 */
export class Dispatcher {
  readonly #byKey: (AnyApiHandler | undefined)[] = []
  readonly #ranges: ApiVersionRange[]

  constructor(handlers: readonly AnyApiHandler[]) {
    for (const h of handlers) {
      if (this.#byKey[h.apiKey] !== undefined) throw new Error(`two handlers for API key ${h.apiKey}`)
      if (h.minVersion > h.maxVersion) throw new Error(`handler ${h.name} has an empty version range`)
      this.#byKey[h.apiKey] = h
    }
    this.#ranges = handlers
      .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }))
      .sort((a, b) => a.apiKey - b.apiKey)
  }

  handlerFor(apiKey: number): AnyApiHandler | undefined {
    return apiKey >= 0 ? this.#byKey[apiKey] : undefined
  }

  /** Every served API with its version range, sorted by key. */
  get apiVersions(): readonly ApiVersionRange[] {
    return this.#ranges
  }
}
