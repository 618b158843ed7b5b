import { execFile, spawn, type ChildProcess } from "node:child_process"
import fs from "node:fs"
import path from "node:path"
import { stopGroup } from "./demo-store"

/**
 * Medusa's DTC starter storefront made into a Paymentwall store the way examples/dtc-starter/README.md says: a copy
 * of the pinned starter, the example files over it, the plugin from `npm pack` of this repository's build.
 */
const ROOT = path.resolve(__dirname, "../..")
export const EXAMPLES = path.join(ROOT, "examples", "dtc-starter")

/** Where the pinned starter is looked for: DTC_STARTER_DIR alone when set, else the workplace's shared copy. */
export const STARTER_DIRS = process.env.DTC_STARTER_DIR
  ? [process.env.DTC_STARTER_DIR]
  : ["/work/shared/starters/dtc-starter-storefront", path.resolve(ROOT, "../shared/starters/dtc-starter-storefront")]

/** The starter's folder, or why there is none. */
export function findStarter(): { dir: string } | { missing: string } {
  const dir = STARTER_DIRS.find((candidate) => fs.existsSync(path.join(candidate, "package.json")))
  return dir ? { dir } : { missing: `no DTC starter storefront in ${STARTER_DIRS.join(" or ")} (set DTC_STARTER_DIR)` }
}

/** The README's step 1: the starter's payment button moves aside, kept as the fallback for other providers. */
export const STARTER_MOVES: [from: string, to: string][] = [
  [
    "src/modules/checkout/components/payment-button/index.tsx",
    "src/modules/checkout/components/payment-button/starter.tsx",
  ],
]

/** The example's files, relative to the store's root: the ones the store adds or changes. */
export function exampleFiles(): string[] {
  const walk = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((entry) => (entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
  return walk(path.join(EXAMPLES, "src")).map((file) => path.relative(EXAMPLES, file))
}

/** Copies the starter to `into` (writable: the pinned copy is read-only) and applies the example over it. */
export function applyExample(starterDir: string, into: string): void {
  fs.cpSync(starterDir, into, { recursive: true, filter: (source) => !/[\\/](node_modules|\.next)$/.test(source) })
  makeWritable(into)
  for (const [from, to] of STARTER_MOVES) {
    fs.renameSync(path.join(into, from), path.join(into, to))
  }
  for (const file of exampleFiles()) {
    fs.mkdirSync(path.dirname(path.join(into, file)), { recursive: true })
    fs.copyFileSync(path.join(EXAMPLES, file), path.join(into, file))
  }
}

function makeWritable(dir: string): void {
  fs.chmodSync(dir, 0o755)
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      makeWritable(full)
    } else {
      fs.chmodSync(full, 0o644)
    }
  }
}

export type Run = { code: number | null; output: string }

/** Runs a command to its end and keeps its output (for the failure message); never throws on a non-zero exit. */
export function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0
        resolve({ code, output: `${stdout}${stderr}${error && code === null ? `\n(${error.message})` : ""}` })
      }
    )
  })
}

/**
 * A runner of timed steps in a store: each runs in `storeDir()` (read when it runs), records its seconds in `steps`,
 * and fails with its output when it exits with another code than `ok`.
 */
export function stepRunner(storeDir: () => string, steps: Record<string, number>) {
  return async function step(
    name: string,
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    timeoutMs: number,
    ok = [0]
  ): Promise<Run> {
    const started = Date.now()
    const result = await run(command, args, storeDir(), env, timeoutMs)
    steps[name] = Math.round((Date.now() - started) / 1000)
    if (result.code === null || !ok.includes(result.code)) {
      throw new Error(
        `${name} (${command} ${args.join(" ")}) failed with exit ${result.code} after ${steps[name]} s:\n${result.output.slice(-8000)}`
      )
    }
    return result
  }
}

/** The plugin as a store gets it: `npm pack` of the build (which `npm test` makes first). Returns the tarball. */
export async function packPlugin(into: string): Promise<string> {
  if (!fs.existsSync(path.join(ROOT, ".medusa/storefront/index.js"))) {
    throw new Error("the plugin is not built: run npm run build first")
  }
  const packed = await run(
    "npm",
    ["pack", "--json", "--ignore-scripts", "--pack-destination", into],
    ROOT,
    process.env,
    120_000
  )
  if (packed.code !== 0) {
    throw new Error(`npm pack failed:\n${packed.output}`)
  }
  return path.join(into, JSON.parse(packed.output.slice(packed.output.indexOf("[")))[0].filename)
}

/** Type errors `tsc --noEmit` reports in the given files (the starter's own files may have some). */
export function typeErrorsIn(tscOutput: string, files: string[]): string[] {
  const ours = new Set(files.map((file) => file.split(path.sep).join("/")))
  return tscOutput.split("\n").filter((line) => {
    const file = /^(.+?)\(\d+,\d+\): error TS\d+/.exec(line)?.[1]
    return file !== undefined && ours.has(file)
  })
}

export type RunningStorefront = { url: string; output: () => string; stop: () => Promise<void> }

/** `next start` on `port`, resolved once it answers. */
export async function startStorefront(
  dir: string,
  port: number,
  env: NodeJS.ProcessEnv,
  timeoutMs: number
): Promise<RunningStorefront> {
  let output = ""
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(dir, "node_modules/next/dist/bin/next"), "start", "-p", String(port)],
    {
      cwd: dir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    }
  )
  child.stdout!.on("data", (chunk) => (output += chunk))
  child.stderr!.on("data", (chunk) => (output += chunk))
  const url = `http://localhost:${port}`
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`next start exited (${child.exitCode}):\n${output}`)
    }
    const answered = await fetch(`${url}/kr`, { redirect: "manual" }).then(
      (res) => res.status < 500,
      () => false
    )
    if (answered) {
      return { url, output: () => output, stop: () => stopGroup(child) }
    }
    if (Date.now() > deadline) {
      await stopGroup(child)
      throw new Error(`the storefront did not answer on ${url} within ${timeoutMs / 1000} s:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
}
