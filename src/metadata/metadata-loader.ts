import type { Logger } from '../common/log.ts'
import type { CommittedBatch, RaftListener } from '../raft/raft-client.ts'
import { MetadataDelta } from './image/metadata-delta.ts'
import { MetadataImage } from './image/metadata-image.ts'
import { deserializeMetadataRecord } from './records/metadata-record.ts'

/** Reacts to metadata changes (Kafka's *Publisher classes): creates logs, updates caches... */
export interface MetadataPublisher {
  readonly name: string
  onMetadataUpdate(delta: MetadataDelta, image: MetadataImage): Promise<void> | void
}

/**
 * Replays committed metadata batches into a MetadataDelta and publishes each resulting image (Kafka's
 * MetadataLoader). While the log is being replayed at start-up, batches accumulate into one delta that
 * is published once at the end, so publishers see the recovered state in one step.
 */
export class MetadataLoader implements RaftListener {
  #image: MetadataImage = MetadataImage.EMPTY
  #pending: MetadataDelta | null = null
  #catchingUp = true
  readonly #publishers: MetadataPublisher[] = []
  readonly #log: Logger
  readonly #imageListeners: ((image: MetadataImage) => void)[] = []

  constructor(logger: Logger) {
    this.#log = logger.child({ component: 'metadata-loader' })
  }

  /** The newest image (during catch-up: what has been replayed so far). */
  get image(): MetadataImage {
    return this.#image
  }

  addPublisher(publisher: MetadataPublisher): void {
    this.#publishers.push(publisher)
  }

  /** Synchronous notification of every new image (e.g. to wake up waiters). */
  onImage(listener: (image: MetadataImage) => void): void {
    this.#imageListeners.push(listener)
  }

  async handleCommit(batch: CommittedBatch): Promise<void> {
    const delta = this.#pending ?? new MetadataDelta(this.#image)
    for (const value of batch.records) {
      const record = deserializeMetadataRecord(value)
      if (record !== null) delta.replay(record)
    }
    if (this.#catchingUp) {
      this.#pending = delta
      this.#image = delta.apply(batch.lastOffset)
      return
    }
    await this.#publish(delta, batch.lastOffset)
  }

  /** Ends start-up replay: publishes everything replayed so far as one delta. */
  async finishCatchUp(): Promise<void> {
    this.#catchingUp = false
    const delta = this.#pending
    this.#pending = null
    if (delta !== null) await this.#publish(delta, this.#image.offset)
    else await this.#publish(new MetadataDelta(this.#image), this.#image.offset)
    this.#log.info({ offset: this.#image.offset, topics: this.#image.topics.byId.size }, 'metadata loaded')
  }

  async #publish(delta: MetadataDelta, offset: number): Promise<void> {
    const image = delta.apply(offset)
    this.#image = image
    for (const l of this.#imageListeners) l(image)
    for (const p of this.#publishers) {
      try {
        await p.onMetadataUpdate(delta, image)
      } catch (err) {
        this.#log.error({ err, publisher: p.name }, 'metadata publisher failed')
      }
    }
  }
}
