/**
 * Produce (key 0), versions 0-11.
 *
 * Version notes: v0-v2 carry legacy message sets (magic 0/1, e.g. Sarama's defaults), up-converted to
 * one v2 batch as Kafka 3.x does; v3+ must carry exactly one magic-2 batch per partition (INVALID_RECORD
 * otherwise) and a transactional id; zstd needs v7+ (UNSUPPORTED_COMPRESSION_TYPE below); v8 adds
 * record errors and an error message; v9 is flexible; v10 adds current-leader hints on
 * NOT_LEADER_OR_FOLLOWER. v0 is advertised because librdkafka only compresses when it is (KAFKA-18659).
 *
 * acks: 0 (no response at all; a failure closes the connection, as Kafka does), 1 and -1 (= all; with
 * this broker as the only in-sync replica both answer once the batch is in the log).
 *
 * Idempotence and transactions: batches with a producer id are checked against the partition's producer
 * state as they are appended (storage/producer-state.ts: INVALID_PRODUCER_EPOCH, OUT_OF_ORDER_SEQUENCE_NUMBER,
 * INVALID_TXN_STATE; a re-sent batch answers with its original offsets). Transactional batches need
 * Produce v3+ (INVALID_RECORD otherwise) and a transactional id in the request; without one the whole
 * request fails with TRANSACTIONAL_ID_AUTHORIZATION_FAILED, as Kafka's KafkaApis answers. With
 * transaction.partition.verification.enable (default true) the first transactional batch of a producer
 * on a partition is verified with the transaction coordinator first (KIP-890 part 1, txn-verification.ts):
 * a partition never added with AddPartitionsToTxn answers INVALID_TXN_STATE, a fenced epoch
 * INVALID_PRODUCER_EPOCH, a coordinator not ready NOT_ENOUGH_REPLICAS.
 *
 * Not yet: quotas; Produce v12 (KIP-890 part 2, the partition added by the Produce itself).
 */

import { isInternalTopic } from '../../metadata/topic-names.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  decodeProduceRequest,
  encodeProduceResponse,
  type ProduceRequest,
  type ProduceResponse,
  type ProduceResponsePartitionProduceResponse,
} from '../../protocol/generated/produce.ts'
import { KafkaProtocolError } from '../../protocol/kafka-protocol-error.ts'
import { CompressionType } from '../../protocol/records/compression/index.ts'
import { isLegacyMessageSet, upConvertMessageSet } from '../../protocol/records/legacy.ts'
import {
  batchCompression,
  batchIsTransactional,
  batchMagic,
  batchSize,
  forEachBatch,
} from '../../protocol/records/record-batch.ts'
import type { ProduceEntry, ProduceResult } from '../../replication/replica-manager.ts'
import { defineHandler, NO_RESPONSE, type RequestContext } from '../handler.ts'
import { TRANSACTION_VERIFICATION_CONFIG, verifyTransactionalEntries } from '../txn-verification.ts'

type Services = 'metadata' | 'replicaManager' | 'config' | 'txnCoordinator'

interface Slot {
  topic: number
  response: ProduceResponsePartitionProduceResponse
}

function partitionResponse(
  index: number,
  errorCode: number,
  errorMessage: string | null = null,
): ProduceResponsePartitionProduceResponse {
  return {
    index,
    errorCode,
    baseOffset: -1,
    logAppendTimeMs: -1,
    logStartOffset: -1,
    recordErrors: [],
    errorMessage,
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
  }
}

/**
 * Kafka's ProduceRequest.validateRecords, plus legacy up-conversion for v0-v2, which runs off the event
 * loop: its result is a promise, which the replica manager appends in request order.
 */
function checkRecords(version: number, records: Buffer | null, nowMs: number): Buffer | Promise<Buffer> {
  if (records === null || records.length === 0) {
    throw new KafkaProtocolError(
      ErrorCode.INVALID_RECORD,
      `Produce requests with version ${version} must have at least one record batch per partition`,
    )
  }
  if (records.length < 17) throw new KafkaProtocolError(ErrorCode.CORRUPT_MESSAGE, 'Record batch is truncated')
  if (isLegacyMessageSet(records)) {
    if (version >= 3) {
      throw new KafkaProtocolError(
        ErrorCode.INVALID_RECORD,
        `Produce requests with version ${version} are only allowed to contain record batches with magic version 2`,
      )
    }
    return upConvertMessageSet(records, { nowMs }).then((converted) => {
      if (converted.length === 0)
        throw new KafkaProtocolError(ErrorCode.CORRUPT_MESSAGE, 'The message set holds no complete message')
      return converted
    })
  }
  if (batchMagic(records) !== 2)
    throw new KafkaProtocolError(ErrorCode.CORRUPT_MESSAGE, `Unknown record batch magic ${batchMagic(records)}`)
  if (version < 3 && hasTransactionalBatch(records)) {
    throw new KafkaProtocolError(
      ErrorCode.INVALID_RECORD,
      `Produce requests with version ${version} are not allowed to contain transactional records`,
    )
  }
  if (version >= 3) {
    if (records.length >= 12 && batchSize(records) < records.length) {
      throw new KafkaProtocolError(
        ErrorCode.INVALID_RECORD,
        `Produce requests with version ${version} are only allowed to contain exactly one record batch per partition`,
      )
    }
    if (version < 7 && records.length >= 23 && batchCompression(records) === CompressionType.Zstd) {
      throw new KafkaProtocolError(
        ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
        `Produce requests with version ${version} cannot use ZStandard compression`,
      )
    }
  }
  return records
}

function hasTransactionalBatch(records: Buffer | null): boolean {
  if (records === null || records.length <= 22 || batchMagic(records) !== 2) return false
  let transactional = false
  forEachBatch(records, (pos, size) => {
    if (size > 22 && batchIsTransactional(records, pos)) transactional = true
    return !transactional
  })
  return transactional
}

export const produceHandler = defineHandler<ProduceRequest, ProduceResponse, Services>({
  apiKey: ApiKey.Produce,
  name: 'Produce',
  minVersion: 0,
  maxVersion: 11,
  decodeRequest: decodeProduceRequest,
  encodeResponse: encodeProduceResponse,
  async handle(ctx, request) {
    const slots: Slot[] = []
    const entries: ProduceEntry[] = []
    const entrySlots: Slot[] = []
    const image = ctx.services.metadata()
    const nowMs = ctx.scheduler.clock.nowMs()
    const validAcks = request.acks === 0 || request.acks === 1 || request.acks === -1
    if (
      request.transactionalId === null &&
      request.topicData.some((t) => t.partitionData.some((p) => hasTransactionalBatch(p.records)))
    ) {
      return produceError(request, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
    }
    request.topicData.forEach((t, ti) => {
      const topic = image.topics.getTopic(t.name)
      for (const p of t.partitionData) {
        const slot: Slot = { topic: ti, response: partitionResponse(p.index, ErrorCode.NONE) }
        slots.push(slot)
        if (!validAcks) {
          slot.response.errorCode = ErrorCode.INVALID_REQUIRED_ACKS
          continue
        }
        if (topic === undefined || !topic.partitions.has(p.index)) {
          slot.response.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
          continue
        }
        if (isInternalTopic(t.name)) {
          slot.response.errorCode = ErrorCode.INVALID_TOPIC_EXCEPTION
          slot.response.errorMessage = `Cannot append to internal topic ${t.name}`
          continue
        }
        try {
          entries.push({ topic: t.name, partition: p.index, records: checkRecords(ctx.apiVersion, p.records, nowMs) })
          entrySlots.push(slot)
        } catch (err) {
          if (!(err instanceof KafkaProtocolError)) throw err
          slot.response.errorCode = err.errorCode
          slot.response.errorMessage = err.message
        }
      }
    })
    if (
      request.transactionalId !== null &&
      entries.length > 0 &&
      ctx.services.config().getBoolean(TRANSACTION_VERIFICATION_CONFIG)
    ) {
      const failures = verifyTransactionalEntries(ctx.services, request.transactionalId, entries)
      for (let i = entries.length - 1; i >= 0; i--) {
        const failure = failures[i]
        if (failure === null || failure === undefined) continue
        entrySlots[i]!.response.errorCode = failure.errorCode
        entrySlots[i]!.response.errorMessage = failure.errorMessage
        entries.splice(i, 1)
        entrySlots.splice(i, 1)
      }
    }
    const results = await ctx.services.replicaManager.appendRecords(entries, request.acks)
    for (const [i, r] of results.entries()) fill(entrySlots[i]!.response, r, ctx, entries[i]!)
    if (request.acks === 0) {
      const failed = slots.find((s) => s.response.errorCode !== ErrorCode.NONE)
      if (failed !== undefined) ctx.closeConnection(`acks=0 produce failed with error ${failed.response.errorCode}`)
      return NO_RESPONSE
    }
    return {
      responses: request.topicData.map((t, ti) => ({
        name: t.name,
        partitionResponses: slots.filter((s) => s.topic === ti).map((s) => s.response),
      })),
      throttleTimeMs: 0,
      nodeEndpoints: [],
    }
  },
  errorResponse: (request, errorCode) => produceError(request, errorCode),
})

function produceError(request: ProduceRequest, errorCode: number): ProduceResponse {
  return {
    responses: request.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => partitionResponse(p.index, errorCode)),
    })),
    throttleTimeMs: 0,
    nodeEndpoints: [],
  }
}

function fill(
  out: ProduceResponsePartitionProduceResponse,
  r: ProduceResult,
  ctx: RequestContext<Services>,
  e: ProduceEntry,
): void {
  out.errorCode = r.errorCode
  out.errorMessage = r.errorMessage
  out.baseOffset = r.baseOffset
  out.logAppendTimeMs = r.logAppendTimeMs
  out.logStartOffset = r.logStartOffset
  out.recordErrors = r.recordErrors.map((e) => ({ batchIndex: e.batchIndex, batchIndexErrorMessage: e.message }))
  if (r.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER) {
    const reg = ctx.services.metadata().topics.getPartition(e.topic, e.partition)
    if (reg !== undefined) out.currentLeader = { leaderId: reg.leader, leaderEpoch: reg.leaderEpoch }
  }
}
