import { Writable } from 'node:stream'

/** Log lines of an embedded broker, with a way to wait for one (no timers). */
export class LogWatch {
  readonly lines: Record<string, unknown>[] = []
  readonly #waiters: {
    match: (l: Record<string, unknown>) => boolean
    resolve: (l: Record<string, unknown>) => void
  }[] = []
  readonly sink = new Writable({
    write: (chunk: Buffer, _enc, cb) => {
      for (const text of chunk.toString().split('\n')) {
        if (text === '') continue
        const line = JSON.parse(text) as Record<string, unknown>
        this.lines.push(line)
        for (const w of this.#waiters.splice(0)) {
          if (w.match(line)) w.resolve(line)
          else this.#waiters.push(w)
        }
      }
      cb()
    },
  })

  /** The first line so far that matches, else the next one. */
  until(match: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    const seen = this.lines.find(match)
    return seen === undefined ? this.next(match) : Promise.resolve(seen)
  }

  /** The next line (from now on) that matches. */
  next(match: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    return new Promise((resolve) => this.#waiters.push({ match, resolve }))
  }
}
