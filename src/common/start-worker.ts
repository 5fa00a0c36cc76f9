import { Worker } from 'node:worker_threads'

/**
 * Starts the worker module `name` (without extension) that sits next to the module at `moduleUrl`:
 * compiled JavaScript in dist; when running from TypeScript sources (tests, tsx), the worker first
 * registers the same TypeScript loader, which Node 20 does not pass on to worker threads. The parent's
 * `--input-type` (a process started with `-e`) is not passed on: it is refused for a worker file.
 */
export function startWorker(moduleUrl: string, name: string): Worker {
  const execArgv = process.execArgv.filter((arg) => !arg.startsWith('--input-type'))
  if (!moduleUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, moduleUrl), { execArgv })
  const url = new URL(`./${name}.ts`, moduleUrl).href
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url)}) })`
  return new Worker(bootstrap, { eval: true, execArgv })
}
