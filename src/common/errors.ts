/**
 * Samsa's own errors: a stable string code per failure (SAMSA_ERR_<AREA>_<WHAT>) and an optional cause.
 * Kafka protocol errors are data (error-code fields), not exceptions; see protocol/error-codes.ts.
 *
 * `instanceof SamsaError` is answered by a Symbol.for brand so it holds across two copies of the package.
 * Every code is listed in docs/errors.md; test/common/errors.test.ts fails on an undocumented code.
 */
const brand = Symbol.for('samsa.error')

export const SamsaErrorCode = {
  ProtocolDecode: 'SAMSA_ERR_PROTOCOL_DECODE',
  ProtocolFrameTooLarge: 'SAMSA_ERR_PROTOCOL_FRAME_TOO_LARGE',
  ProtocolUnsupportedVersion: 'SAMSA_ERR_PROTOCOL_UNSUPPORTED_VERSION',
  ProtocolCompression: 'SAMSA_ERR_PROTOCOL_COMPRESSION',
  ProtocolCorruptRecord: 'SAMSA_ERR_PROTOCOL_CORRUPT_RECORD',
  ConfigInvalid: 'SAMSA_ERR_CONFIG_INVALID',
  ConfigUnknownKey: 'SAMSA_ERR_CONFIG_UNKNOWN_KEY',
  StorageCorrupt: 'SAMSA_ERR_STORAGE_CORRUPT',
  StorageClosed: 'SAMSA_ERR_STORAGE_CLOSED',
  StorageLogDirFailure: 'SAMSA_ERR_STORAGE_LOG_DIR_FAILURE',
  MetadataLogCorrupt: 'SAMSA_ERR_METADATA_LOG_CORRUPT',
  ClientConnection: 'SAMSA_ERR_CLIENT_CONNECTION',
  ClientTimeout: 'SAMSA_ERR_CLIENT_TIMEOUT',
  ClientKafka: 'SAMSA_ERR_CLIENT_KAFKA',
  ClientClosed: 'SAMSA_ERR_CLIENT_CLOSED',
  CliUsage: 'SAMSA_ERR_CLI_USAGE',
} as const
export type SamsaErrorCode = (typeof SamsaErrorCode)[keyof typeof SamsaErrorCode]

export class SamsaError extends Error {
  readonly code: SamsaErrorCode

  constructor(code: SamsaErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.name = 'SamsaError'
  }

  get [brand](): true {
    return true
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // Subclasses keep the ordinary prototype check; only the base class answers by brand.
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class being tested, which may be a subclass.
    if (this !== SamsaError) return Function.prototype[Symbol.hasInstance].call(this, value)
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true
  }
}

/** Raised when bytes on the wire do not match the declared message layout. Closes only that connection. */
export class ProtocolDecodeError extends SamsaError {
  constructor(message: string, options?: ErrorOptions) {
    super(SamsaErrorCode.ProtocolDecode, message, options)
    this.name = 'ProtocolDecodeError'
  }
}

export class ConfigError extends SamsaError {
  readonly key: string
  constructor(
    code: typeof SamsaErrorCode.ConfigInvalid | typeof SamsaErrorCode.ConfigUnknownKey,
    key: string,
    message: string,
  ) {
    super(code, message)
    this.key = key
    this.name = 'ConfigError'
  }
}
