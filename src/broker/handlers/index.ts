import type { AnyApiHandler } from '../handler.ts'
import { addOffsetsToTxnHandler } from './add-offsets-to-txn.ts'
import { addPartitionsToTxnHandler } from './add-partitions-to-txn.ts'
import { alterConfigsHandler } from './alter-configs.ts'
import { apiVersionsHandler } from './api-versions.ts'
import { consumerGroupDescribeHandler } from './consumer-group-describe.ts'
import { consumerGroupHeartbeatHandler } from './consumer-group-heartbeat.ts'
import { createPartitionsHandler } from './create-partitions.ts'
import { createTopicsHandler } from './create-topics.ts'
import { deleteGroupsHandler } from './delete-groups.ts'
import { deleteRecordsHandler } from './delete-records.ts'
import { deleteTopicsHandler } from './delete-topics.ts'
import { describeClusterHandler } from './describe-cluster.ts'
import { describeConfigsHandler } from './describe-configs.ts'
import { describeGroupsHandler } from './describe-groups.ts'
import { describeLogDirsHandler } from './describe-log-dirs.ts'
import { describeProducersHandler } from './describe-producers.ts'
import { describeTransactionsHandler } from './describe-transactions.ts'
import { endTxnHandler } from './end-txn.ts'
import { fetchHandler } from './fetch.ts'
import { findCoordinatorHandler } from './find-coordinator.ts'
import { heartbeatHandler } from './heartbeat.ts'
import { incrementalAlterConfigsHandler } from './incremental-alter-configs.ts'
import { initProducerIdHandler } from './init-producer-id.ts'
import { joinGroupHandler } from './join-group.ts'
import { leaveGroupHandler } from './leave-group.ts'
import { listGroupsHandler } from './list-groups.ts'
import { listOffsetsHandler } from './list-offsets.ts'
import { listTransactionsHandler } from './list-transactions.ts'
import { metadataHandler } from './metadata.ts'
import { offsetCommitHandler } from './offset-commit.ts'
import { offsetDeleteHandler } from './offset-delete.ts'
import { offsetFetchHandler } from './offset-fetch.ts'
import { produceHandler } from './produce.ts'
import { syncGroupHandler } from './sync-group.ts'
import { txnOffsetCommitHandler } from './txn-offset-commit.ts'
import { writeTxnMarkersHandler } from './write-txn-markers.ts'

/**
 * Every API this broker serves, sorted by API key. Add a handler here and it is dispatched and
 * advertised in ApiVersions; nothing else needs to change.
 */
export const HANDLERS: readonly AnyApiHandler[] = [
  produceHandler, // 0
  fetchHandler, // 1
  listOffsetsHandler, // 2
  metadataHandler, // 3
  offsetCommitHandler, // 8
  offsetFetchHandler, // 9
  findCoordinatorHandler, // 10
  joinGroupHandler, // 11
  heartbeatHandler, // 12
  leaveGroupHandler, // 13
  syncGroupHandler, // 14
  describeGroupsHandler, // 15
  listGroupsHandler, // 16
  apiVersionsHandler, // 18
  createTopicsHandler, // 19
  deleteTopicsHandler, // 20
  deleteRecordsHandler, // 21
  initProducerIdHandler, // 22
  addPartitionsToTxnHandler, // 24
  addOffsetsToTxnHandler, // 25
  endTxnHandler, // 26
  writeTxnMarkersHandler, // 27
  txnOffsetCommitHandler, // 28
  describeConfigsHandler, // 32
  alterConfigsHandler, // 33
  describeLogDirsHandler, // 35
  createPartitionsHandler, // 37
  deleteGroupsHandler, // 42
  incrementalAlterConfigsHandler, // 44
  offsetDeleteHandler, // 47
  describeClusterHandler, // 60
  describeProducersHandler, // 61
  describeTransactionsHandler, // 65
  listTransactionsHandler, // 66
  consumerGroupHeartbeatHandler, // 68
  consumerGroupDescribeHandler, // 69
]
