import fs from 'node:fs'
import { writeFileAtomic } from './file-io.ts'

/**
 * Kafka's text checkpoint files (server-common CheckpointFile): line 1 the version, line 2 the entry
 * count, then one entry per line. Written atomically (temporary file, fsync, rename, directory fsync), so
 * a reader sees the old or the new content, never a mix. Reading checks version, count and every line.
 */
export interface CheckpointFormatter<T> {
  toLine(entry: T): string
  /** Parses one line; null when it is malformed. */
  fromLine(line: string): T | null
}

export class CheckpointFileError extends Error {
  constructor(path: string, message: string) {
    super(`${message} in checkpoint file ${path}`)
    this.name = 'CheckpointFileError'
  }
}

export function formatCheckpoint<T>(version: number, entries: readonly T[], formatter: CheckpointFormatter<T>): string {
  let out = `${version}\n${entries.length}\n`
  for (const e of entries) out += `${formatter.toLine(e)}\n`
  return out
}

export function parseCheckpoint<T>(
  path: string,
  text: string,
  version: number,
  formatter: CheckpointFormatter<T>,
): T[] {
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  if (lines.length < 2) throw new CheckpointFileError(path, 'Missing version or entry count')
  if (lines[0]!.trim() !== String(version))
    throw new CheckpointFileError(path, `Unrecognized version of the checkpoint file: ${lines[0]}`)
  const expected = Number(lines[1]!.trim())
  if (!Number.isSafeInteger(expected) || expected < 0)
    throw new CheckpointFileError(path, `Malformed entry count: ${lines[1]}`)
  const entries: T[] = []
  for (const line of lines.slice(2)) {
    const e = formatter.fromLine(line)
    if (e === null) throw new CheckpointFileError(path, `Malformed line in checkpoint file: ${line}`)
    entries.push(e)
  }
  if (entries.length !== expected)
    throw new CheckpointFileError(path, `Expected ${expected} entries but found only ${entries.length}`)
  return entries
}

/** One checkpoint file; keep one instance per path so its writes are serialised. Single-threaded (event loop). */
export class CheckpointFile<T> {
  readonly path: string
  readonly version: number
  readonly formatter: CheckpointFormatter<T>
  #writing: Promise<void> = Promise.resolve()

  constructor(path: string, version: number, formatter: CheckpointFormatter<T>) {
    this.path = path
    this.version = version
    this.formatter = formatter
  }

  /** Replaces the file atomically. Writes to the same file are serialised. */
  write(entries: readonly T[]): Promise<void> {
    const text = formatCheckpoint(this.version, entries, this.formatter)
    const next = this.#writing.then(() => writeFileAtomic(this.path, text))
    this.#writing = next.catch(() => {})
    return next
  }

  /** The entries, or [] when the file does not exist. Throws CheckpointFileError when malformed. */
  async read(): Promise<T[]> {
    let text: string
    try {
      text = await fs.promises.readFile(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    }
    return parseCheckpoint(this.path, text, this.version, this.formatter)
  }

  /** Start-up only: the synchronous counterpart of read(). */
  readSync(): T[] {
    let text: string
    try {
      text = fs.readFileSync(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    }
    return parseCheckpoint(this.path, text, this.version, this.formatter)
  }
}

export interface TopicPartitionOffset {
  readonly topic: string
  readonly partition: number
  readonly offset: number
}

const INT_TEXT = /^-?\d+$/

/** "topic partition offset" lines of the per-log-dir offset checkpoints (version 0). */
export const offsetCheckpointFormatter: CheckpointFormatter<TopicPartitionOffset> = {
  toLine: (e) => `${e.topic} ${e.partition} ${e.offset}`,
  fromLine: (line) => {
    const parts = line.split(' ')
    if (parts.length !== 3) return null
    const [topic, partition, offset] = parts as [string, string, string]
    if (topic === '' || !INT_TEXT.test(partition) || !INT_TEXT.test(offset)) return null
    const p = Number(partition)
    const o = Number(offset)
    if (!Number.isSafeInteger(p) || !Number.isSafeInteger(o)) return null
    return { topic, partition: p, offset: o }
  },
}

export const OFFSET_CHECKPOINT_VERSION = 0

/** recovery-point-offset-checkpoint, log-start-offset-checkpoint, replication-offset-checkpoint. */
export function offsetCheckpointFile(path: string): CheckpointFile<TopicPartitionOffset> {
  return new CheckpointFile(path, OFFSET_CHECKPOINT_VERSION, offsetCheckpointFormatter)
}

export interface EpochEntry {
  readonly epoch: number
  readonly startOffset: number
}

/** "epoch startOffset" lines of a partition's leader-epoch-checkpoint (version 0). */
export const leaderEpochCheckpointFormatter: CheckpointFormatter<EpochEntry> = {
  toLine: (e) => `${e.epoch} ${e.startOffset}`,
  fromLine: (line) => {
    const parts = line.split(' ')
    if (parts.length !== 2 || !INT_TEXT.test(parts[0]!) || !INT_TEXT.test(parts[1]!)) return null
    const epoch = Number(parts[0])
    const startOffset = Number(parts[1])
    if (!Number.isSafeInteger(epoch) || !Number.isSafeInteger(startOffset)) return null
    return { epoch, startOffset }
  },
}

export function leaderEpochCheckpointFile(path: string): CheckpointFile<EpochEntry> {
  return new CheckpointFile(path, 0, leaderEpochCheckpointFormatter)
}
