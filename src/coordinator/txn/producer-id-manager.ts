/**
 * Hands out producer ids from blocks the controller reserves (Kafka's RPCProducerIdManager over
 * AllocateProducerIds; the controller records each block in a ProducerIdsRecord, so ids are never reused
 * across restarts). The next block is fetched when 90% of the current one is used.
 */
export class ProducerIdManager {
  readonly #allocate: (blockSize: number) => Promise<number>
  readonly #blockSize: number
  #next = -1
  #end = -1
  #prefetched: { first: number } | null = null
  #fetching: Promise<void> | null = null

  constructor(allocate: (blockSize: number) => Promise<number>, blockSize: number) {
    this.#allocate = allocate
    this.#blockSize = blockSize
  }

  async generate(): Promise<number> {
    while (this.#next < 0 || this.#next >= this.#end) {
      if (this.#prefetched !== null) {
        this.#next = this.#prefetched.first
        this.#end = this.#next + this.#blockSize
        this.#prefetched = null
        break
      }
      await this.#fetch()
    }
    const id = this.#next++
    if (this.#end - this.#next < this.#blockSize / 10 && this.#prefetched === null) {
      this.#fetch().catch(() => {
        // Retried by the next generate().
      })
    }
    return id
  }

  #fetch(): Promise<void> {
    this.#fetching ??= this.#allocate(this.#blockSize)
      .then((first) => {
        this.#prefetched = { first }
      })
      .finally(() => {
        this.#fetching = null
      })
    return this.#fetching
  }
}
