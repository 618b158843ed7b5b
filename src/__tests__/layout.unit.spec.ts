import fs from "node:fs"
import path from "node:path"

/**
 * The shape the code keeps (docs/design.md, "Where things are"): the provider is a leaf that only its one adapter
 * reaches, settlement is written down once, and src/workflows holds only workflows, steps and their helpers.
 */
const SRC = path.resolve(__dirname, "..")

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      return entry.name === "__tests__" ? [] : sources(full)
    }
    return /\.tsx?$/.test(entry.name) ? [full] : []
  })
}

/** Each relative import of a file, resolved to a path under src (without extension). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, "utf8")
  return [...text.matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)].map((m) =>
    path.relative(SRC, path.resolve(path.dirname(file), m[1]))
  )
}

const PROVIDER_DIR = "providers/iamport-paymentwall"
const ADAPTER = `${PROVIDER_DIR}/registered-provider`

describe("the code's layout", () => {
  const files = sources(SRC)

  it("nothing outside the provider imports it, but through the one adapter", () => {
    const offenders = files
      .filter((file) => !path.relative(SRC, file).startsWith("providers/"))
      .flatMap((file) =>
        importsOf(file)
          .filter((target) => target.startsWith(PROVIDER_DIR) && target !== ADAPTER)
          .map((target) => `${path.relative(SRC, file)} → ${target}`)
      )
    expect(offenders).toEqual([])
    // The check reads imports at all: the adapter itself is imported from many places.
    expect(files.filter((file) => importsOf(file).includes(ADAPTER)).length).toBeGreaterThan(10)
  })

  it("settlement reads no transport's own types: the payment view and the cancellations only", () => {
    const offenders = files
      .filter((file) => path.relative(SRC, file).startsWith("workflows/settlement/"))
      .flatMap((file) =>
        importsOf(file)
          .filter((target) => target.startsWith("lib/iamport/") || target.startsWith("lib/paymentwall/v1/"))
          .map((target) => `${path.relative(SRC, file)} → ${target}`)
      )
    expect(offenders).toEqual([])
  })

  it("the plugin's SQL touches only its own tables (iamport_pw_*); the one-time snapshot migration reads core's payment", () => {
    /** Every table an SQL string of the file names after from, join, update or into. */
    const tablesIn = (file: string) =>
      [...fs.readFileSync(file, "utf8").matchAll(/`[^`]*`|"(?:[^"\\\n]|\\.)*"/g)]
        .filter((literal) => /\b(select|update|insert|delete)\b/i.test(literal[0]))
        .flatMap((literal) => [...literal[0].matchAll(/\b(?:from|join|update|into)\s+"?([a-z_][a-z0-9_]*)/gi)])
        .map((m) => m[1])
    const withSql = files.filter((file) => !path.relative(SRC, file).includes("/migrations/"))
    const offenders = withSql.flatMap((file) =>
      tablesIn(file)
        .filter((table) => !table.startsWith("iamport_pw_") && !/^(set|jsonb?_)/.test(table))
        .map((table) => `${path.relative(SRC, file)} → ${table}`)
    )
    expect(offenders).toEqual([])
    // The check finds SQL at all: the money gate reads and writes the plugin's tickets with it.
    expect(tablesIn(path.join(SRC, "lib/provider-reservations.ts"))).toContain("iamport_pw_cancel_ticket")
  })

  it("src/workflows holds workflows, steps and their helpers, each domain in its own folder", () => {
    const misplaced = files
      .map((file) => path.relative(path.join(SRC, "workflows"), file))
      .filter((file) => !file.startsWith(".."))
      .filter(
        (file) =>
          file !== "index.ts" &&
          !/^[a-z-]+\/(workflows|steps|utils)\/[a-z-]+\.ts$/.test(file) &&
          !/^hooks\/[a-z-]+\.ts$/.test(file)
      )
    expect(misplaced).toEqual([])
  })

  it("every step and workflow exports its id", () => {
    const declared = files.flatMap((file) => [
      ...fs.readFileSync(file, "utf8").matchAll(/export const \w+(Step|Workflow) = create(Step|Workflow)\(/g),
    ])
    expect(declared.length).toBeGreaterThan(30)
    const missing = files.filter((file) => {
      const text = fs.readFileSync(file, "utf8")
      const steps = [...text.matchAll(/export const (\w+Step) = createStep\(\s*(\w+)/g)]
      const workflows = [...text.matchAll(/export const (\w+Workflow) = createWorkflow\(\s*(\w+)/g)]
      return [...steps, ...workflows].some(
        ([, name, id]) => id !== `${name}Id` || !text.includes(`export const ${name}Id = "`)
      )
    })
    expect(missing.map((file) => path.relative(SRC, file))).toEqual([])
  })

  it("a settlement's phases are written down once: only the settlement workflow composes its steps", () => {
    const settlementSteps = [
      "lookUpForSettlementStep",
      "prepareSettlementStep",
      "planSettlementStep",
      "bookCancellationsStep",
      "flagTicketsStep",
    ]
    const composers = files.filter((file) =>
      settlementSteps.some(
        (step) =>
          new RegExp(`\\b${step}\\(`).test(fs.readFileSync(file, "utf8")) &&
          !fs.readFileSync(file, "utf8").includes(`export const ${step} =`)
      )
    )
    expect(composers.map((file) => path.relative(SRC, file))).toEqual([
      "workflows/settlement/workflows/settle-payment.ts",
    ])
  })
})
