/** The codec ids of record batch attributes bits 0-2 (and of legacy message attributes). */
export const CompressionType = { None: 0, Gzip: 1, Snappy: 2, Lz4: 3, Zstd: 4 } as const
export type CompressionType = (typeof CompressionType)[keyof typeof CompressionType]

const NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const

/** Kafka's name for a codec (the values of `compression.type`). */
export function compressionName(type: CompressionType): string {
  return NAMES[type]
}

export function isCompressionType(id: number): id is CompressionType {
  return Number.isInteger(id) && id >= 0 && id <= 4
}
