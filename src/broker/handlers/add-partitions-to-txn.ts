/**
 * AddPartitionsToTxn (key 24), versions 0-5.
 *
 * Version notes: v1 is v0; v2 may answer PRODUCER_FENCED (v0-1 get INVALID_PRODUCER_EPOCH, as Kafka maps
 * it); v3 is flexible; v4 batches several transactions with a top-level error code and verify_only
 * (KIP-890: brokers check that a partition is in a transaction before its first write; clients keep using
 * v3 and below); v5 may answer TRANSACTION_ABORTABLE.
 *
 * Partitions of unknown topics fail their transaction: those get UNKNOWN_TOPIC_OR_PARTITION and the
 * others OPERATION_NOT_ATTEMPTED, nothing is added (Kafka's KafkaApis).
 */

import type { TxnTopicPartition } from '../../coordinator/txn/records/txn-records.ts'
import { addPartitionsToTxn, verifyPartitionsInTxn } from '../../coordinator/txn/txn-coordinator-api.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import {
  type AddPartitionsToTxnRequest,
  type AddPartitionsToTxnRequestAddPartitionsToTxnTopic,
  type AddPartitionsToTxnResponse,
  type AddPartitionsToTxnResponseAddPartitionsToTxnResult,
  type AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult,
  decodeAddPartitionsToTxnRequest,
  encodeAddPartitionsToTxnResponse,
} from '../../protocol/generated/add-partitions-to-txn.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import { defineHandler, type RequestContext } from '../handler.ts'

type Services = 'txnCoordinator' | 'metadata'

interface TxnEntry {
  transactionalId: string
  producerId: number
  producerEpoch: number
  verifyOnly: boolean
  topics: AddPartitionsToTxnRequestAddPartitionsToTxnTopic[]
}

function entriesOf(request: AddPartitionsToTxnRequest, version: number): TxnEntry[] {
  if (version >= 4) return request.transactions
  return [
    {
      transactionalId: request.v3AndBelowTransactionalId,
      producerId: request.v3AndBelowProducerId,
      producerEpoch: request.v3AndBelowProducerEpoch,
      verifyOnly: false,
      topics: request.v3AndBelowTopics,
    },
  ]
}

function topicResults(
  topics: readonly AddPartitionsToTxnRequestAddPartitionsToTxnTopic[],
  codeOf: (topic: string, partition: number) => number,
): AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult[] {
  return topics.map((t) => ({
    name: t.name,
    resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: codeOf(t.name, p) })),
  }))
}

async function handleTransaction(
  ctx: RequestContext<Services>,
  e: TxnEntry,
): Promise<AddPartitionsToTxnResponseAddPartitionsToTxnResult> {
  const image = ctx.services.metadata()
  const partitions: TxnTopicPartition[] = []
  let unknown = false
  for (const t of e.topics) {
    for (const p of t.partitions) {
      if (image.topics.getTopic(t.name)?.partitions.has(p) === true) partitions.push({ topic: t.name, partition: p })
      else unknown = true
    }
  }
  if (unknown) {
    const known = new Set(partitions.map((tp) => `${tp.topic}\u0000${tp.partition}`))
    return {
      transactionalId: e.transactionalId,
      topicResults: topicResults(e.topics, (t, p) =>
        known.has(`${t}\u0000${p}`) ? ErrorCode.OPERATION_NOT_ATTEMPTED : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ),
    }
  }
  const tc = ctx.services.txnCoordinator
  if (e.verifyOnly) {
    const codes = verifyPartitionsInTxn(tc, e.transactionalId, e.producerId, e.producerEpoch, partitions)
    const byPartition = new Map(partitions.map((tp, i) => [`${tp.topic}\u0000${tp.partition}`, codes[i]!]))
    return {
      transactionalId: e.transactionalId,
      topicResults: topicResults(
        e.topics,
        (t, p) => byPartition.get(`${t}\u0000${p}`) ?? ErrorCode.UNKNOWN_SERVER_ERROR,
      ),
    }
  }
  let code = await addPartitionsToTxn(tc, e.transactionalId, e.producerId, e.producerEpoch, partitions, () =>
    ctx.scheduler.clock.nowMs(),
  )
  if (ctx.apiVersion < 2 && code === ErrorCode.PRODUCER_FENCED) code = ErrorCode.INVALID_PRODUCER_EPOCH
  return { transactionalId: e.transactionalId, topicResults: topicResults(e.topics, () => code) }
}

export const addPartitionsToTxnHandler = defineHandler<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse, Services>(
  {
    apiKey: ApiKey.AddPartitionsToTxn,
    name: 'AddPartitionsToTxn',
    minVersion: 0,
    maxVersion: 5,
    decodeRequest: decodeAddPartitionsToTxnRequest,
    encodeResponse: encodeAddPartitionsToTxnResponse,
    async handle(ctx, request) {
      const results = await Promise.all(entriesOf(request, ctx.apiVersion).map((e) => handleTransaction(ctx, e)))
      if (ctx.apiVersion >= 4)
        return {
          throttleTimeMs: 0,
          errorCode: ErrorCode.NONE,
          resultsByTransaction: results,
          resultsByTopicV3AndBelow: [],
        }
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        resultsByTransaction: [],
        resultsByTopicV3AndBelow: results[0]?.topicResults ?? [],
      }
    },
    errorResponse: (request, errorCode, version) => {
      const results = entriesOf(request, version).map((e) => ({
        transactionalId: e.transactionalId,
        topicResults: topicResults(e.topics, () => errorCode),
      }))
      if (version >= 4) return { throttleTimeMs: 0, errorCode, resultsByTransaction: [], resultsByTopicV3AndBelow: [] }
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        resultsByTransaction: [],
        resultsByTopicV3AndBelow: results[0]?.topicResults ?? [],
      }
    },
  },
)
