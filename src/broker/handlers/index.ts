import type { AnyApiHandler } from '../handler.ts'
import { apiVersionsHandler } from './api-versions.ts'
import { createPartitionsHandler } from './create-partitions.ts'
import { createTopicsHandler } from './create-topics.ts'
import { deleteTopicsHandler } from './delete-topics.ts'
import { describeClusterHandler } from './describe-cluster.ts'
import { describeConfigsHandler } from './describe-configs.ts'
import { fetchHandler } from './fetch.ts'
import { listOffsetsHandler } from './list-offsets.ts'
import { metadataHandler } from './metadata.ts'
import { produceHandler } from './produce.ts'

/**
 * Every API this broker serves, sorted by API key. Add a handler here and it is dispatched and
 * advertised in ApiVersions; nothing else needs to change.
 */
export const HANDLERS: readonly AnyApiHandler[] = [
  produceHandler, // 0
  fetchHandler, // 1
  listOffsetsHandler, // 2
  metadataHandler, // 3
  apiVersionsHandler, // 18
  createTopicsHandler, // 19
  deleteTopicsHandler, // 20
  describeConfigsHandler, // 32
  createPartitionsHandler, // 37
  describeClusterHandler, // 60
]
