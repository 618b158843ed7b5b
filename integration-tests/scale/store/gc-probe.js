/* Loaded into the scale harness's worker only (NODE_OPTIONS=--expose-gc --require): on SIGUSR2 it collects garbage
 * twice and writes {rss, heapUsed} to SCALE_MEMORY_FILE, so the harness can compare memory before and after a burst. */
const fs = require("node:fs")

process.on("SIGUSR2", () => {
  global.gc?.()
  setTimeout(() => {
    global.gc?.()
    const { rss, heapUsed } = process.memoryUsage()
    fs.writeFileSync(process.env.SCALE_MEMORY_FILE, JSON.stringify({ rss, heapUsed, at: Date.now() }))
  }, 200)
})
