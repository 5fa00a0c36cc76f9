import { join } from 'node:path'

/**
 * Every file name and suffix of Kafka's on-disk layout in one place (Kafka's LogFileUtils): partition
 * directories `<topic>-<partition>`, segment files named by the 20-digit zero-padded base offset, the
 * per-log-dir checkpoint files and the clean-shutdown marker.
 */
export const LOG_FILE_SUFFIX = '.log'
export const INDEX_FILE_SUFFIX = '.index'
export const TIME_INDEX_FILE_SUFFIX = '.timeindex'
export const TXN_INDEX_FILE_SUFFIX = '.txnindex'
export const SNAPSHOT_FILE_SUFFIX = '.snapshot'
export const DELETED_FILE_SUFFIX = '.deleted'
export const CLEANED_FILE_SUFFIX = '.cleaned'
export const SWAP_FILE_SUFFIX = '.swap'
export const TMP_FILE_SUFFIX = '.tmp'
/** Suffix of a deleted partition directory: `<topic>-<partition>.<uuid>-delete`. */
export const DELETE_DIR_SUFFIX = '-delete'
export const FUTURE_DIR_SUFFIX = '-future'
export const STRAY_DIR_SUFFIX = '-stray'

export const PARTITION_METADATA_FILE = 'partition.metadata'
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown'
export const RECOVERY_POINT_CHECKPOINT_FILE = 'recovery-point-offset-checkpoint'
export const LOG_START_OFFSET_CHECKPOINT_FILE = 'log-start-offset-checkpoint'
export const REPLICATION_OFFSET_CHECKPOINT_FILE = 'replication-offset-checkpoint'
export const CLEANER_OFFSET_CHECKPOINT_FILE = 'cleaner-offset-checkpoint'
export const LEADER_EPOCH_CHECKPOINT_FILE = 'leader-epoch-checkpoint'
export const META_PROPERTIES_FILE = 'meta.properties'
export const CLUSTER_METADATA_TOPIC = '__cluster_metadata'

/** The 20-digit zero-padded decimal form of an offset that names segment files. */
export function offsetFileNamePrefix(offset: number): string {
  return String(offset).padStart(20, '0')
}

export function logFilePath(dir: string, baseOffset: number): string {
  return join(dir, offsetFileNamePrefix(baseOffset) + LOG_FILE_SUFFIX)
}

export function offsetIndexFilePath(dir: string, baseOffset: number): string {
  return join(dir, offsetFileNamePrefix(baseOffset) + INDEX_FILE_SUFFIX)
}

export function timeIndexFilePath(dir: string, baseOffset: number): string {
  return join(dir, offsetFileNamePrefix(baseOffset) + TIME_INDEX_FILE_SUFFIX)
}

/** The base offset in a segment file name (`00000000000000000042.log` -> 42), or null when not one. */
export function baseOffsetFromFileName(fileName: string, suffix: string): number | null {
  if (!fileName.endsWith(suffix)) return null
  const stem = fileName.slice(0, -suffix.length)
  if (!/^\d{20}$/.test(stem)) return null
  const n = Number(stem)
  return Number.isSafeInteger(n) ? n : null
}

export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`
}

/** Parses `<topic>-<partition>`; null for anything else (deleted, future or stray dirs, files). */
export function parsePartitionDirName(name: string): { topic: string; partition: number } | null {
  if (name.endsWith(DELETE_DIR_SUFFIX) || name.endsWith(FUTURE_DIR_SUFFIX) || name.endsWith(STRAY_DIR_SUFFIX))
    return null
  const dash = name.lastIndexOf('-')
  if (dash <= 0) return null
  const partitionText = name.slice(dash + 1)
  if (!/^\d+$/.test(partitionText)) return null
  const partition = Number(partitionText)
  if (!Number.isSafeInteger(partition) || partition > 2 ** 31 - 1) return null
  return { topic: name.slice(0, dash), partition }
}

/** Map key for a topic partition, Kafka's TopicPartition.toString(). */
export function topicPartitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`
}
