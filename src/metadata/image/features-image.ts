/** Finalized feature levels (metadata.version and friends). Immutable. */
export class FeaturesImage {
  static readonly EMPTY = new FeaturesImage(new Map())

  readonly finalized: ReadonlyMap<string, number>

  constructor(finalized: ReadonlyMap<string, number>) {
    this.finalized = finalized
  }

  get metadataVersion(): number {
    return this.finalized.get('metadata.version') ?? 0
  }
}
