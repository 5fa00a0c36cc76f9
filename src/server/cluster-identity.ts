import { SamsaError, SamsaErrorCode } from '../common/errors.ts'
import { randomUuid } from '../protocol/primitives/uuid.ts'
import { readMetaProperties, writeMetaProperties } from '../storage/meta-properties.ts'

/**
 * Checks that every log directory belongs to this node and one cluster (their `meta.properties`), and
 * formats the ones that are new: a brand-new node gets a fresh cluster id, as `kafka-storage format`
 * would give it. Start-up only.
 */
export async function ensureClusterIdentity(
  logDirs: readonly string[],
  nodeId: number,
  nowMs: number,
): Promise<{ clusterId: string }> {
  const found = logDirs.map((dir) => ({ dir, meta: readMetaProperties(dir) }))
  let clusterId: string | null = null
  for (const { dir, meta } of found) {
    if (meta === null) continue
    if (meta.nodeId !== null && meta.nodeId !== nodeId) {
      throw new SamsaError(
        SamsaErrorCode.ConfigInvalid,
        `Stored node id ${meta.nodeId} in ${dir}/meta.properties does not match node.id ${nodeId}; use the matching node.id or another data directory`,
      )
    }
    if (meta.clusterId !== null) {
      if (clusterId !== null && clusterId !== meta.clusterId) {
        throw new SamsaError(
          SamsaErrorCode.ConfigInvalid,
          `Log directories belong to different clusters (${clusterId} and ${meta.clusterId} in ${dir})`,
        )
      }
      clusterId = meta.clusterId
    }
  }
  clusterId ??= randomUuid()
  for (const { dir, meta } of found) {
    if (meta === null || meta.clusterId === null)
      await writeMetaProperties(dir, { nodeId, clusterId, directoryId: randomUuid() }, nowMs)
  }
  return { clusterId }
}
