/* Serves the demo's storefront page: the HTML, its bundled script, and the settings the script reads. */
const fs = require("node:fs")
const http = require("node:http")

function startStorefront({ port, page, bundle, config }) {
  const files = {
    "/": { type: "text/html", body: () => fs.readFileSync(page) },
    "/main.js": { type: "text/javascript", body: () => fs.readFileSync(bundle) },
    "/config.json": { type: "application/json", body: () => JSON.stringify(config) },
  }
  const server = http.createServer((req, res) => {
    const file = files[new URL(req.url ?? "/", "http://storefront").pathname]
    if (req.method !== "GET" || !file) {
      res.writeHead(404, { "content-type": "text/plain" })
      return res.end("Not found")
    }
    res.writeHead(200, { "content-type": `${file.type}; charset=utf-8`, "cache-control": "no-store" })
    res.end(file.body())
  })
  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(port, () =>
      resolve({ close: () => new Promise((done) => (server.closeAllConnections(), server.close(() => done()))) })
    )
  })
}

module.exports = { startStorefront }
