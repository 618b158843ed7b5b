/* What the demo builds before it starts, each only when its sources changed: the plugin, the admin dashboard with
 * the plugin's widget, and the storefront page's bundle. */
const { execFileSync, spawn } = require("node:child_process")
const fs = require("node:fs")
const path = require("node:path")

/** The newest modification time under `dir` (0 when it does not exist). */
function newest(dir) {
  if (!fs.existsSync(dir)) {
    return 0
  }
  let latest = fs.statSync(dir).mtimeMs
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs)
  }
  return latest
}

const mtime = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0)

/** `npm run build` when the build is missing or older than src/. Returns true when it built. */
function buildPluginIfStale(root) {
  const marker = path.join(root, ".medusa", "storefront", "index.js")
  if (
    mtime(marker) > newest(path.join(root, "src")) &&
    mtime(path.join(root, ".medusa", "server", "src", "sandbox", "index.js"))
  ) {
    return false
  }
  execFileSync(process.execPath, [path.join(root, "node_modules", "@medusajs", "cli", "cli.js"), "plugin:build"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  })
  execFileSync(process.execPath, [path.join(root, "scripts", "build-storefront.js")], { cwd: root, stdio: "inherit" })
  return true
}

/**
 * Medusa's dashboard with the plugin's admin extensions, as `medusa build` makes it in a store, into
 * `<storeDir>/public/admin` where `medusa start` serves it. Resolves true when it built.
 *
 * In a process of its own: the bundler (Vite) sets NODE_ENV=production in the process that builds, which would
 * make the sandbox refuse to start and `medusa start` run in production mode on a first run.
 */
function buildAdminIfStale(root, storeDir) {
  const pluginAdmin = path.join(root, ".medusa", "server", "src", "admin", "index.mjs")
  const outDir = path.join(storeDir, "public", "admin")
  if (mtime(path.join(outDir, "index.html")) > mtime(pluginAdmin)) {
    return Promise.resolve(false)
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [__filename, "--build-admin", storeDir, outDir, pluginAdmin], {
      cwd: storeDir,
      stdio: ["ignore", "ignore", "pipe"],
    })
    let errors = ""
    child.stderr.on("data", (chunk) => (errors += chunk))
    child.once("error", reject)
    child.once("exit", (code) =>
      code === 0 ? resolve(true) : reject(new Error(`the admin dashboard did not build (exit ${code}):\n${errors}`))
    )
  })
}

/** The child's side of buildAdminIfStale. The bundler writes its entry files under the cwd's .medusa/client. */
async function buildAdmin(outDir, pluginAdmin) {
  const { build } = await import("@medusajs/admin-bundler")
  await build({ disable: false, path: "/app", backendUrl: "/", outDir, sources: [], plugins: [pluginAdmin] })
}

/** The storefront page's script with @medusajs/js-sdk and the plugin's storefront helper, as one browser module. */
async function bundleStorefront(root, outDir) {
  const esbuild = require("esbuild")
  await esbuild.build({
    entryPoints: [path.join(root, "demo", "storefront", "main.js")],
    outfile: path.join(outDir, "main.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    logLevel: "warning",
    alias: { "medusa-payment-iamport-paymentwall/storefront": path.join(root, ".medusa", "storefront", "index.js") },
  })
}

module.exports = { buildAdminIfStale, buildPluginIfStale, bundleStorefront }

if (require.main === module && process.argv[2] === "--build-admin") {
  const [, , , storeDir, outDir, pluginAdmin] = process.argv
  process.chdir(storeDir)
  buildAdmin(outDir, pluginAdmin).then(
    () => process.exit(0),
    (error) => {
      console.error(error?.stack ?? error)
      process.exit(1)
    }
  )
}
