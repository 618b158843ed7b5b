/* Small process helpers for the demo and the benchmarks: free ports, waiting for a health URL. */
const net = require("node:net")

/** Resolves when nothing listens on `port` (on any address); never touches whoever does. */
function portFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once("error", () => resolve(false))
    server.listen(port, () => server.close(() => resolve(true)))
  })
}

/** Throws one line per taken port, naming the flag that chooses another. `ports` maps flag to port. */
async function assertPortsFree(ports) {
  const taken = []
  for (const [flag, port] of Object.entries(ports)) {
    if (!(await portFree(port))) {
      taken.push(`port ${port} is taken by another program: choose another with npm run demo -- ${flag} <port>`)
    }
  }
  if (taken.length) {
    throw new Error(taken.join("\n       "))
  }
}

async function waitForHealth(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const res = await fetch(url)
      if (res.ok) {
        return
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`)
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

module.exports = { assertPortsFree, portFree, waitForHealth }
