import fs from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomic } from './file-io.ts'
import { PARTITION_METADATA_FILE } from './log-file-names.ts'

/**
 * `partition.metadata` in a partition directory (Kafka's PartitionMetadataFile): two lines,
 * `version: 0` and `topic_id: <22-char base64url UUID>`, written atomically.
 */
export const PARTITION_METADATA_VERSION = 0

export function formatPartitionMetadata(topicId: string): string {
  return `version: ${PARTITION_METADATA_VERSION}\ntopic_id: ${topicId}\n`
}

/** Parses the file's text; throws with a message naming the problem when it is malformed. */
export function parsePartitionMetadata(text: string): { version: number; topicId: string } {
  const lines = text.split('\n').filter((l) => l.trim() !== '')
  const fields = new Map<string, string>()
  for (const line of lines) {
    const colon = line.indexOf(':')
    if (colon < 0) throw new Error(`malformed line in ${PARTITION_METADATA_FILE}: ${line}`)
    fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim())
  }
  const version = Number(fields.get('version'))
  if (version !== PARTITION_METADATA_VERSION)
    throw new Error(`unrecognized ${PARTITION_METADATA_FILE} version: ${fields.get('version')}`)
  const topicId = fields.get('topic_id')
  if (topicId === undefined || !/^[A-Za-z0-9_-]{22}$/.test(topicId)) {
    throw new Error(`invalid topic_id in ${PARTITION_METADATA_FILE}: ${topicId}`)
  }
  return { version, topicId }
}

/** Start-up: the topic id stored in `dir`, or null when the file does not exist. */
export function readPartitionMetadataSync(dir: string): string | null {
  let text: string
  try {
    text = fs.readFileSync(join(dir, PARTITION_METADATA_FILE), 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  return parsePartitionMetadata(text).topicId
}

export function writePartitionMetadata(dir: string, topicId: string): Promise<void> {
  return writeFileAtomic(join(dir, PARTITION_METADATA_FILE), formatPartitionMetadata(topicId))
}
