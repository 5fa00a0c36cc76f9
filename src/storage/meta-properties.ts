import fs from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomic } from './file-io.ts'
import { META_PROPERTIES_FILE } from './log-file-names.ts'

/**
 * `meta.properties` of a KRaft log directory (Kafka's MetaProperties, version 1): node.id, cluster.id and
 * directory.id, in Java properties syntax. The broker checks at start-up that every log dir belongs to the
 * same cluster and node. Unknown keys are kept.
 */
export interface MetaProperties {
  readonly version: number
  readonly nodeId: number | null
  readonly clusterId: string | null
  readonly directoryId: string | null
  /** Every key as read, including the ones above. */
  readonly properties: Readonly<Record<string, string>>
}

/** Parses Java properties text: `key=value` or `key:value`, `#`/`!` comments, no line continuations. */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue
    const m = /^([^=:]*?)\s*[=:]\s*(.*)$/.exec(line)
    if (m === null) out[line] = ''
    else out[m[1]!] = m[2]!
  }
  return out
}

export function parseMetaProperties(text: string): MetaProperties {
  const properties = parseProperties(text)
  const version = Number(properties['version'] ?? '0')
  if (!Number.isInteger(version))
    throw new Error(`invalid version in ${META_PROPERTIES_FILE}: ${properties['version']}`)
  const nodeIdText = properties['node.id']
  const nodeId = nodeIdText === undefined ? null : Number(nodeIdText)
  if (nodeId !== null && !Number.isInteger(nodeId))
    throw new Error(`invalid node.id in ${META_PROPERTIES_FILE}: ${nodeIdText}`)
  return {
    version,
    nodeId,
    clusterId: properties['cluster.id'] ?? null,
    directoryId: properties['directory.id'] ?? null,
    properties,
  }
}

export function formatMetaProperties(
  props: { nodeId: number; clusterId: string; directoryId?: string; version?: number },
  nowMs: number,
): string {
  const lines = [
    '#',
    `#${new Date(nowMs).toUTCString()}`,
    `cluster.id=${props.clusterId}`,
    ...(props.directoryId === undefined ? [] : [`directory.id=${props.directoryId}`]),
    `node.id=${props.nodeId}`,
    `version=${props.version ?? 1}`,
  ]
  return `${lines.join('\n')}\n`
}

/** Start-up: the log dir's meta.properties, or null when absent. */
export function readMetaProperties(logDir: string): MetaProperties | null {
  let text: string
  try {
    text = fs.readFileSync(join(logDir, META_PROPERTIES_FILE), 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  return parseMetaProperties(text)
}

export function writeMetaProperties(
  logDir: string,
  props: { nodeId: number; clusterId: string; directoryId?: string; version?: number },
  nowMs: number,
): Promise<void> {
  return writeFileAtomic(join(logDir, META_PROPERTIES_FILE), formatMetaProperties(props, nowMs))
}
