import { execFileSync } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"

/**
 * A storefront installs the plugin for its browser helper only: the packed tarball, installed with npm into an empty
 * folder, must bring none of Medusa's server (its peers are optional), and the helper must load from it. Prints what
 * came with it, as figures.
 */
const ROOT = path.resolve(__dirname, "../..")
const SERVER_PACKAGES = ["@medusajs/medusa", "@medusajs/framework", "@medusajs/cli", "@medusajs/admin-sdk"]

jest.setTimeout(300_000)

const work = fs.mkdtempSync(path.join(os.tmpdir(), "paymentwall-install-"))
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

const npm = (args: string[], cwd: string) =>
  execFileSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, npm_config_update_notifier: "false" },
  })

/** Every installed package's name (scoped ones as @scope/name), nested ones included. */
function installed(dir: string): string[] {
  const names: string[] = []
  const walk = (modules: string) => {
    if (!fs.existsSync(modules)) {
      return
    }
    for (const entry of fs.readdirSync(modules)) {
      if (entry.startsWith(".")) {
        continue
      }
      const full = path.join(modules, entry)
      const scoped = entry.startsWith("@")
        ? fs.readdirSync(full).map((name) => [`${entry}/${name}`, path.join(full, name)] as const)
        : [[entry, full] as const]
      for (const [name, at] of scoped) {
        names.push(name)
        walk(path.join(at, "node_modules"))
      }
    }
  }
  walk(path.join(dir, "node_modules"))
  return names
}

function sizeOf(dir: string): number {
  let total = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    total += entry.isDirectory() ? sizeOf(full) : entry.isFile() ? fs.statSync(full).size : 0
  }
  return total
}

describe("installing the plugin into a storefront", () => {
  it("brings no Medusa server packages, and the browser helper loads from it", () => {
    const tarball = path.join(work, npm(["pack", "--pack-destination", work], ROOT).trim().split("\n").pop()!)
    const storefront = path.join(work, "storefront")
    fs.mkdirSync(storefront)
    fs.writeFileSync(
      path.join(storefront, "package.json"),
      JSON.stringify({ name: "empty-storefront", private: true, version: "1.0.0" })
    )
    npm(["install", tarball], storefront)

    const names = installed(storefront)
    const megabytes = sizeOf(path.join(storefront, "node_modules")) / 1024 / 1024
    console.log(
      `storefront install: ${names.length} packages, ${megabytes.toFixed(1)} MB in node_modules (${names.filter((n) => n.startsWith("@medusajs/")).length} from @medusajs)`
    )
    expect(names).toContain("medusa-payment-iamport-paymentwall")
    for (const server of SERVER_PACKAGES) {
      expect(names).not.toContain(server)
    }

    // The helper is an ES module with its types beside it, and loads without a browser.
    const script = `import("medusa-payment-iamport-paymentwall/storefront").then((m) => console.log(Object.keys(m).sort().join(",")))`
    const exported = execFileSync(process.execPath, ["-e", script], { cwd: storefront, encoding: "utf8" })
      .trim()
      .split(",")
    expect(exported).toEqual(
      expect.arrayContaining(["payWithPaymentwall", "readPaymentwallRedirect", "requestPayParams", "loadIamport"])
    )
    expect(
      fs.existsSync(
        path.join(storefront, "node_modules/medusa-payment-iamport-paymentwall/.medusa/storefront/index.d.ts")
      )
    ).toBe(true)
  })
})
