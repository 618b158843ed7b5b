import { execFileSync } from "node:child_process"
import fs from "node:fs"
import path from "node:path"

/**
 * A store's view of the package: `npm pack`, unpacked into a consumer's node_modules, and a strict type-check of a
 * file importing every public entry point, as a store's tsconfig (Node16) does. Fails with TS7016 if an entry
 * point ships no declarations, and on an unused @ts-expect-error if one is typed `any`. Needs `npm run build`.
 */
const ROOT = path.resolve(__dirname, "../..")
// Inside the repository, so the consumer's own dependencies (@medusajs/*, axios) resolve from its node_modules.
const CONSUMER = path.join(ROOT, ".cache", "consumer")

const SOURCE = `import { startSandbox, type RunningSandbox } from "medusa-payment-iamport-paymentwall/sandbox"
import { payWithPaymentwall, PaymentwallError, readPaymentwallRedirect, type PaymentwallSessionData } from "medusa-payment-iamport-paymentwall/storefront"
import { requestCancelTicketWorkflow, settleCancellationsWorkflow } from "medusa-payment-iamport-paymentwall/workflows"
import { IAMPORT_PAYMENTWALL_MODULE } from "medusa-payment-iamport-paymentwall/modules/iamport-paymentwall"
import provider from "medusa-payment-iamport-paymentwall/providers/iamport-paymentwall"

export async function check(data: PaymentwallSessionData): Promise<string> {
  const sandbox: RunningSandbox = await startSandbox({ port: 0, stateFile: "sandbox.json" })
  // @ts-expect-error the port is a number
  await startSandbox({ port: "8891" })
  const result = await payWithPaymentwall(data, { scriptUrl: \`\${sandbox.url}/v1/iamport.js\` })
  const back = readPaymentwallRedirect("https://shop.example/return?merchant_uid=m&imp_success=false&error_msg=x")
  // @ts-expect-error a redirect's error is a PaymentwallError, not a string
  const text: string = back
  return [result.merchant_uid, back instanceof PaymentwallError ? back.kind : "", text, IAMPORT_PAYMENTWALL_MODULE,
    typeof provider, settleCancellationsWorkflow.getName(), requestCancelTicketWorkflow.getName()].join()
}
`

describe("the published package's types", () => {
  it("type-checks a store's imports of every public entry point from the packed tarball", () => {
    if (
      !fs.existsSync(path.join(ROOT, ".medusa/server/src/sandbox/index.d.ts")) ||
      !fs.existsSync(path.join(ROOT, ".medusa/storefront/index.d.ts"))
    ) {
      throw new Error("Build the plugin first (npm run build): its declarations are missing")
    }
    fs.rmSync(CONSUMER, { recursive: true, force: true })
    const installed = path.join(CONSUMER, "node_modules", "medusa-payment-iamport-paymentwall")
    fs.mkdirSync(installed, { recursive: true })
    const [{ filename }] = JSON.parse(
      execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", CONSUMER], {
        cwd: ROOT,
        encoding: "utf8",
      })
    )
    execFileSync("tar", ["-xzf", path.join(CONSUMER, filename), "-C", installed, "--strip-components=1"])
    fs.writeFileSync(
      path.join(CONSUMER, "package.json"),
      JSON.stringify({ name: "consumer", private: true, type: "module" })
    )
    fs.writeFileSync(path.join(CONSUMER, "index.ts"), SOURCE)
    fs.writeFileSync(
      path.join(CONSUMER, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: "Node16",
          moduleResolution: "Node16",
          target: "ES2021",
          lib: ["ES2021", "DOM"],
          types: ["node"],
          skipLibCheck: true,
        },
        files: ["index.ts"],
      })
    )
    let output = ""
    try {
      execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", CONSUMER], { encoding: "utf8" })
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error)
    }
    expect(output).toBe("")
  }, 120_000)
})
