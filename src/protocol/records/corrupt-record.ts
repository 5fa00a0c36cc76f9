import { ProtocolDecodeError, SamsaError, SamsaErrorCode } from '../../common/errors.ts'

export function corruptRecord(message: string, cause?: unknown): SamsaError {
  return new SamsaError(SamsaErrorCode.ProtocolCorruptRecord, message, cause === undefined ? undefined : { cause })
}

/** Runs a decoder, turning the primitive reader's bounds errors into corrupt-record errors. */
export function decodingRecords<T>(what: string, decode: () => T): T {
  try {
    return decode()
  } catch (err) {
    if (err instanceof ProtocolDecodeError) throw corruptRecord(`${what}: ${err.message}`, err)
    throw err
  }
}
