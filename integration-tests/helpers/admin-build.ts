import fs from "node:fs"
import path from "node:path"

const root = path.resolve(__dirname, "../..")
const pluginAdmin = path.join(root, ".medusa/server/src/admin/index.mjs")
/** The demo's build of the same dashboard (scripts/lib/demo-build.js, the same options), made by demo.spec.ts first. */
const demoAdmin = path.join(root, "demo/public/admin")

/** Whether the dashboard in `dir` was built after the plugin's admin bundle. */
const fresh = (dir: string) =>
  fs.existsSync(path.join(dir, "index.html")) &&
  fs.statSync(path.join(dir, "index.html")).mtimeMs > fs.statSync(pluginAdmin).mtimeMs

/**
 * Builds Medusa's dashboard with this plugin's admin extensions, as `medusa build` does in a store, into
 * `<appDir>/public/admin`, where the server serves it from. Skipped when the build is newer than the plugin's;
 * copied when the demo's build is.
 */
export async function buildAdmin(appDir: string): Promise<string> {
  const outDir = path.join(appDir, "public/admin")
  if (!fs.existsSync(pluginAdmin)) {
    throw new Error("Build the plugin first (npm run build): its admin bundle is missing")
  }
  if (fresh(outDir)) {
    return outDir
  }
  if (fresh(demoAdmin)) {
    fs.rmSync(outDir, { recursive: true, force: true })
    fs.cpSync(demoAdmin, outDir, { recursive: true })
    return outDir
  }
  const { build } = (await import("@medusajs/admin-bundler")) as unknown as {
    build: (options: Record<string, unknown>) => Promise<void>
  }
  await build({
    disable: false,
    path: "/app",
    backendUrl: "/",
    outDir,
    sources: [],
    // The built package, as a store installs it (its "./admin" export).
    plugins: [pluginAdmin],
  })
  return outDir
}
