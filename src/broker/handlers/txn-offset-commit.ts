/**
 * TxnOffsetCommit (key 28), versions 0-4.
 *
 * Version notes: v1 is v0; v2 adds the committed leader epoch; v3 adds member id, group instance id and
 * generation id (and the member errors ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID) and is
 * flexible; v4 may answer TRANSACTION_ABORTABLE. v0-1 get COORDINATOR_NOT_AVAILABLE for
 * COORDINATOR_LOAD_IN_PROGRESS (clients before Kafka 2.0 did not expect it), as Kafka maps it.
 *
 * The offsets are written into the group's `__consumer_offsets` partition inside the producer's
 * transaction (after AddOffsetsToTxn added that partition): a fenced producer gets INVALID_PRODUCER_EPOCH,
 * and the offsets become visible to OffsetFetch only at the COMMIT marker (require_stable answers
 * UNSTABLE_OFFSET_COMMIT meanwhile). Partitions of unknown topics get UNKNOWN_TOPIC_OR_PARTITION.
 */
import { commitTransactionalOffsets } from '../../coordinator/group/group-coordinator-api.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  decodeTxnOffsetCommitRequest,
  encodeTxnOffsetCommitResponse,
  type TxnOffsetCommitRequest,
  type TxnOffsetCommitRequestTxnOffsetCommitRequestTopic,
  type TxnOffsetCommitResponse,
} from '../../protocol/generated/txn-offset-commit.ts'
import { defineHandler } from '../handler.ts'

type Services = 'groupCoordinator' | 'metadata'

export const txnOffsetCommitHandler = defineHandler<TxnOffsetCommitRequest, TxnOffsetCommitResponse, Services>({
  apiKey: ApiKey.TxnOffsetCommit,
  name: 'TxnOffsetCommit',
  minVersion: 0,
  maxVersion: 4,
  decodeRequest: decodeTxnOffsetCommitRequest,
  encodeResponse: encodeTxnOffsetCommitResponse,
  async handle(ctx, request) {
    const image = ctx.services.metadata()
    const errors = new Map<string, number>()
    const valid: TxnOffsetCommitRequestTxnOffsetCommitRequestTopic[] = []
    for (const t of request.topics) {
      const topic = image.topics.getTopic(t.name)
      const partitions = t.partitions.filter((p) => {
        if (topic?.partitions.has(p.partitionIndex) === true) return true
        errors.set(`${t.name}\u0000${p.partitionIndex}`, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
        return false
      })
      if (partitions.length > 0) valid.push({ name: t.name, partitions })
    }
    if (valid.length > 0) {
      const results = await commitTransactionalOffsets(
        ctx.services.groupCoordinator,
        { ...request, topics: valid },
        ctx.apiVersion,
      )
      for (const t of results)
        for (const p of t.partitions) errors.set(`${t.name}\u0000${p.partitionIndex}`, p.errorCode)
    }
    const codeFor = (topic: string, partition: number): number => {
      const code = errors.get(`${topic}\u0000${partition}`) ?? ErrorCode.UNKNOWN_SERVER_ERROR
      return ctx.apiVersion < 2 && code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
        ? ErrorCode.COORDINATOR_NOT_AVAILABLE
        : code
    }
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: codeFor(t.name, p.partitionIndex),
        })),
      })),
    }
  },
  errorResponse: (request, errorCode) => ({
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
    })),
  }),
})
