/**
 * DescribeLogDirs (key 35), versions 1-4.
 *
 * Version notes: v1 is v0 (v0, removed by Kafka 4.0, is not served); v2 is flexible; v3 adds a top-level
 * error code; v4 adds each directory's total and usable bytes. A null topic list asks for every
 * partition; partitions this broker does not host are left out. Sizes are the bytes of the partition's
 * segments; offset lag is 0 (no directory moves in progress) and no future replicas exist. A directory
 * taken offline by an I/O error reports KAFKA_STORAGE_ERROR.
 */
import { statfs } from 'node:fs/promises'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  type DescribeLogDirsRequest,
  type DescribeLogDirsResponse,
  type DescribeLogDirsResponseDescribeLogDirsResult,
  type DescribeLogDirsResponseDescribeLogDirsTopic,
  decodeDescribeLogDirsRequest,
  encodeDescribeLogDirsResponse,
} from '../../protocol/generated/describe-log-dirs.ts'
import type { LogManager } from '../../storage/log-manager.ts'
import { defineHandler } from '../handler.ts'

/** Which partitions the request asks for: null = all. */
function wantedPartitions(request: DescribeLogDirsRequest): Map<string, Set<number>> | null {
  if (request.topics === null) return null
  const out = new Map<string, Set<number>>()
  for (const t of request.topics) {
    const set = out.get(t.topic) ?? new Set<number>()
    for (const p of t.partitions) set.add(p)
    out.set(t.topic, set)
  }
  return out
}

function topicsIn(
  logManager: LogManager,
  dir: string,
  wanted: Map<string, Set<number>> | null,
): DescribeLogDirsResponseDescribeLogDirsTopic[] {
  const byTopic = new Map<string, DescribeLogDirsResponseDescribeLogDirsTopic>()
  for (const log of logManager.allLogs()) {
    if (logManager.logDirOf(log.topic, log.partition) !== dir) continue
    if (wanted !== null && wanted.get(log.topic)?.has(log.partition) !== true) continue
    let topic = byTopic.get(log.topic)
    if (topic === undefined) {
      topic = { name: log.topic, partitions: [] }
      byTopic.set(log.topic, topic)
    }
    topic.partitions.push({ partitionIndex: log.partition, partitionSize: log.size, offsetLag: 0, isFutureKey: false })
  }
  for (const t of byTopic.values()) t.partitions.sort((a, b) => a.partitionIndex - b.partitionIndex)
  return [...byTopic.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

async function describeDir(
  logManager: LogManager,
  dir: string,
  wanted: Map<string, Set<number>> | null,
): Promise<DescribeLogDirsResponseDescribeLogDirsResult> {
  if (logManager.offlineLogDirs.has(dir)) {
    return { errorCode: ErrorCode.KAFKA_STORAGE_ERROR, logDir: dir, topics: [], totalBytes: -1, usableBytes: -1 }
  }
  let totalBytes = -1
  let usableBytes = -1
  try {
    const st = await statfs(dir)
    totalBytes = st.blocks * st.bsize
    usableBytes = st.bavail * st.bsize
  } catch {
    // Sizes stay unknown (-1), as Kafka reports when it cannot read them.
  }
  return { errorCode: ErrorCode.NONE, logDir: dir, topics: topicsIn(logManager, dir, wanted), totalBytes, usableBytes }
}

export const describeLogDirsHandler = defineHandler<DescribeLogDirsRequest, DescribeLogDirsResponse, 'logManager'>({
  apiKey: ApiKey.DescribeLogDirs,
  name: 'DescribeLogDirs',
  minVersion: 1,
  maxVersion: 4,
  decodeRequest: decodeDescribeLogDirsRequest,
  encodeResponse: encodeDescribeLogDirsResponse,
  async handle(ctx, request) {
    const logManager = ctx.services.logManager
    const wanted = wantedPartitions(request)
    const results = await Promise.all(logManager.logDirs.map((dir) => describeDir(logManager, dir, wanted)))
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, results }
  },
  errorResponse: (_request, errorCode) => ({ throttleTimeMs: 0, errorCode, results: [] }),
})
