/** The fuzz run's knobs, from the environment that scripts/fuzz.js sets. */
export type FuzzConfig = {
  seed: number
  /** Longest action sequence of one run (fast-check's maxCommands). */
  steps: number
  /** fast-check runs (each a fresh sequence on fresh orders). */
  runs: number
  /** fast-check replay path of a reported counterexample, with its seed. */
  path?: string
  /** fast-check's replayPath of a reported counterexample (which generated actions ran), with seed and path. */
  replayPath?: string
  /** Time allowed for shrinking after the first failure, in seconds. */
  shrinkSeconds: number
  /** At most this many orders per run (the first is made before the first action). */
  maxOrders: number
  /** Print every action as it runs. */
  verbose: boolean
  /**
   * The reason i'mport writes on an approved ticket's entry (not yet seen on the live API): the request's, its own,
   * or "mixed" (the default): its own in every second run, so one fuzz run covers both worlds.
   */
  approvalReason: "request" | "own" | "mixed"
}

function intFrom(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === "") {
    return fallback
  }
  const value = Number(raw)
  if (!Number.isInteger(value)) {
    throw new Error(`${name} must be an integer, got ${raw}`)
  }
  return value
}

export function fuzzConfig(): FuzzConfig {
  return {
    seed: intFrom("FUZZ_SEED", Math.floor(Math.random() * 2 ** 31)),
    steps: Math.max(1, intFrom("FUZZ_STEPS", 40)),
    runs: Math.max(1, intFrom("FUZZ_RUNS", 2)),
    path: process.env.FUZZ_PATH || undefined,
    replayPath: process.env.FUZZ_REPLAY_PATH || undefined,
    shrinkSeconds: Math.max(0, intFrom("FUZZ_SHRINK_SECONDS", 600)),
    maxOrders: Math.min(3, Math.max(1, intFrom("FUZZ_MAX_ORDERS", 3))),
    verbose: process.env.FUZZ_VERBOSE === "1",
    approvalReason: approvalReasonFrom(process.env.FUZZ_APPROVAL_REASON),
  }
}

function approvalReasonFrom(raw: string | undefined): FuzzConfig["approvalReason"] {
  if (raw === undefined || raw === "") {
    return "mixed"
  }
  if (raw !== "request" && raw !== "own" && raw !== "mixed") {
    throw new Error(`FUZZ_APPROVAL_REASON must be request, own or mixed, got ${raw}`)
  }
  return raw
}

/** The world of one run: which reason i'mport writes on an approval. */
export function approvalReasonOf(config: FuzzConfig, run: number): "request" | "own" {
  return config.approvalReason === "mixed" ? (run % 2 === 0 ? "own" : "request") : config.approvalReason
}
