import { spawn } from "node:child_process"
import path from "node:path"
import { ALLOW_PRODUCTION_ENV, CONTROL_TOKEN_HEADER, startSandbox } from ".."

describe("where the sandbox agrees to start", () => {
  it("refuses a host that is not loopback unless unsafeHost", async () => {
    await expect(startSandbox({ host: "0.0.0.0" })).rejects.toThrow(/not loopback.*--unsafe-host/)
    await expect(startSandbox({ host: "::" })).rejects.toThrow(/unsafeHost: true/)
    const unsafe = await startSandbox({ host: "0.0.0.0", unsafeHost: true })
    try {
      // Bound to the network, the control API keeps its token; a local client under a loopback name still works.
      const url = `http://127.0.0.1:${unsafe.port}/sandbox/payments`
      expect((await fetch(url)).status).toBe(401)
      expect((await fetch(url, { headers: { [CONTROL_TOKEN_HEADER]: unsafe.controlToken } })).status).toBe(200)
    } finally {
      await unsafe.close()
    }
    const named = await startSandbox({ host: "localhost" })
    await named.close()
  })

  describe("with NODE_ENV=production", () => {
    const saved = { nodeEnv: process.env.NODE_ENV, allow: process.env[ALLOW_PRODUCTION_ENV] }
    beforeEach(() => {
      process.env.NODE_ENV = "production"
      delete process.env[ALLOW_PRODUCTION_ENV]
    })
    afterEach(() => {
      process.env.NODE_ENV = saved.nodeEnv
      if (saved.allow === undefined) {
        delete process.env[ALLOW_PRODUCTION_ENV]
      } else {
        process.env[ALLOW_PRODUCTION_ENV] = saved.allow
      }
    })

    it("refuses to start, saying why", async () => {
      await expect(startSandbox()).rejects.toThrow(/NODE_ENV is production.*fixed test credentials/)
      process.env[ALLOW_PRODUCTION_ENV] = "yes"
      await expect(startSandbox()).rejects.toThrow(/allowProduction/)
    })

    it("starts when forced by allowProduction or IAMPORT_SANDBOX_ALLOW_PRODUCTION=1", async () => {
      await (await startSandbox({ allowProduction: true })).close()
      process.env[ALLOW_PRODUCTION_ENV] = "1"
      await (await startSandbox()).close()
    })
  })
})

describe("iamport-sandbox (the CLI)", () => {
  const bin = path.join(__dirname, "..", "bin.ts")
  const run = (args: string[], env: Record<string, string> = {}, until?: RegExp) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", bin, ...args], {
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      })
      let out = ""
      const read = (chunk: Buffer) => {
        out += chunk.toString("utf8")
        if (until?.test(out)) {
          child.kill("SIGTERM")
        }
      }
      child.stdout.on("data", read)
      child.stderr.on("data", read)
      child.once("exit", (code) => resolve({ code, out }))
    })

  it("exits 2 on a host that is not loopback without --unsafe-host, and where NODE_ENV=production", async () => {
    const host = await run(["--host", "0.0.0.0", "--port", "0"])
    expect(host.code).toBe(2)
    expect(host.out).toContain("--unsafe-host")
    const production = await run(["--port", "0"], { NODE_ENV: "production", [ALLOW_PRODUCTION_ENV]: "" })
    expect(production.code).toBe(2)
    expect(production.out).toContain("--allow-production")
  })

  it("prints the control token it was given, with a curl line that sends it", async () => {
    const token = "cli-fixed-token-0123456789"
    const started = await run(
      ["--port", "0", "--quiet", "--control-token", token],
      { NODE_ENV: "development" },
      /curl .*\n/
    )
    expect(started.out).toContain(`control token:     ${token}`)
    expect(started.out).toMatch(
      new RegExp(`curl -H '${CONTROL_TOKEN_HEADER}: ${token}' http://127\\.0\\.0\\.1:\\d+/sandbox/payments`)
    )
    expect(started.out).not.toMatch(/sandbox_imp_secret/)
  })
})
