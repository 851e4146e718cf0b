// Loads the API docs pages of a running service in headless Chromium and
// checks that they render offline. Called by docs-browser-test.sh; see there.
//
// Environment:
//   BASE_URL        the service, e.g. http://127.0.0.1:8123 (required)
//   API_PREFIX      default /api
//   ARTIFACTS       directory for the screenshots (required)
//   EXPECT_PATHS    comma list of OpenAPI paths the pages must list
//                   (default: /api/items,/api/items/{id})
//   EXPECT_TITLE    the document title (default: Item Service)
//   CHROMIUM        the browser binary (default /usr/bin/chromium)
//
// A page fails when: any request goes to another host than the service's
// loopback address (the request is aborted and reported), a request to the
// service fails or answers >= 400, the page logs a Content-Security-Policy
// violation or throws, the title is wrong, or an expected path is missing.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const baseURL = required("BASE_URL").replace(/\/$/, "");
const artifacts = required("ARTIFACTS");
const prefix = (process.env.API_PREFIX ?? "/api").replace(/\/$/, "");
const title = process.env.EXPECT_TITLE ?? "Item Service";
const expectPaths = (process.env.EXPECT_PATHS ?? `${prefix}/items,${prefix}/items/{id}`)
  .split(",").map((s) => s.trim()).filter(Boolean);
const PAGE_TIMEOUT_MS = 30_000;

const local = new URL(baseURL);
const loopback = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);
if (!loopback.has(local.hostname)) fail(`BASE_URL must be a loopback address, got ${baseURL}`);

function required(name) {
  const v = process.env[name];
  if (!v) fail(`${name} is not set`);
  return v;
}

function fail(msg) {
  console.error(`FAIL: ${msg}`);
  process.exit(1);
}

// isLocal: the request stays on this machine (same host as the service, or
// an in-page data:/blob: URL that never reaches the network).
function isLocal(url) {
  const u = new URL(url);
  if (u.protocol === "data:" || u.protocol === "blob:" || u.protocol === "about:") return true;
  return (u.protocol === "http:" || u.protocol === "https:") && loopback.has(u.hostname);
}

async function checkPage(browser, { name, path, expectedTitle, ready, listedPaths, detail }) {
  const found = new Set(); // the router and the request listener may both report a request
  const problems = { push: (p) => found.add(p) };
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: "block" });
  // Every request of the context passes here first: anything leaving the
  // machine is aborted and fails the test.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    problems.push(`request left localhost: ${route.request().method()} ${url}`);
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  // Second net: requests the router does not see (e.g. from workers).
  page.on("request", (req) => {
    if (!isLocal(req.url())) problems.push(`request left localhost: ${req.method()} ${req.url()}`);
  });
  page.on("requestfailed", (req) => {
    if (isLocal(req.url()) && !req.url().startsWith("data:")) {
      problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`);
    }
  });
  page.on("response", (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("console", (msg) => {
    const text = msg.text();
    if (/Content[- ]Security[- ]Policy/i.test(text)) problems.push(`CSP violation: ${text}`);
    else if (msg.type() === "error") console.log(`  [${name} console error] ${text}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`Content-Security-Policy violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });

  const started = Date.now();
  const res = await page.goto(baseURL + path, { waitUntil: "load" }).catch((err) => {
    problems.push(`GET ${path}: ${err.message.split("\n")[0]}`);
    return null;
  });
  if (res && res.status() !== 200) problems.push(`GET ${path}: status ${res.status()}`);
  const csp = res?.headers()["content-security-policy"] ?? "";
  if (!csp.includes("script-src 'self'")) problems.push(`GET ${path}: no docs CSP header (got "${csp}")`);

  try {
    await ready(page);
  } catch (err) {
    problems.push(`${name} did not render its operations within ${PAGE_TIMEOUT_MS} ms: ${err.message.split("\n")[0]}`);
  }
  await page.waitForLoadState("networkidle", { timeout: 10_000 }).catch(() => {});

  const gotTitle = await page.title();
  if (gotTitle !== expectedTitle) problems.push(`title is "${gotTitle}", want "${expectedTitle}"`);
  const listed = await listedPaths(page).catch((err) => {
    problems.push(`reading the listed operations: ${err.message}`);
    return [];
  });
  for (const p of expectPaths) {
    if (!listed.includes(p)) problems.push(`operation path ${p} is not listed (listed: ${[...new Set(listed)].join(", ")})`);
  }

  const shot = join(artifacts, `${name}.png`);
  await page.screenshot({ path: shot, fullPage: false });
  if (detail && found.size === 0) {
    try {
      await detail(page);
      await page.screenshot({ path: join(artifacts, `${name}-operation.png`), fullPage: false });
    } catch (err) {
      problems.push(`opening an operation: ${err.message.split("\n")[0]}`);
    }
  }
  await context.close();
  const ms = Date.now() - started;
  if (found.size) {
    console.log(`FAIL ${name} (${path}, ${ms} ms), screenshot ${shot}:`);
    for (const p of found) console.log(`  - ${p}`);
    return false;
  }
  console.log(`ok   ${name} (${path}, ${ms} ms): title "${gotTitle}", ${new Set(listed).size} operation paths listed, screenshot ${shot}`);
  return true;
}

// safeCheck reports an unexpected error of a page check as its failure.
async function safeCheck(browser, opts) {
  try {
    return await checkPage(browser, opts);
  } catch (err) {
    console.log(`FAIL ${opts.name} (${opts.path}): ${err.message.split("\n")[0]}`);
    return false;
  }
}

mkdirSync(artifacts, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  timeout: 60_000,
  // Playwright adds a fresh --user-data-dir and --no-sandbox (chromiumSandbox
  // is false by default); these keep Chromium from calling home on this
  // closed network.
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
let ok = true;
try {
  ok = (await safeCheck(browser, {
    name: "swagger-ui",
    path: `${prefix}/docs`,
    expectedTitle: `${title} - Swagger UI`,
    ready: (page) => page.locator(".opblock").first().waitFor({ state: "visible", timeout: PAGE_TIMEOUT_MS }),
    // Swagger UI lists each operation as an .opblock with its path.
    listedPaths: (page) => page.locator(".opblock-summary-path").evaluateAll(
      (els) => els.map((e) => e.getAttribute("data-path") ?? e.textContent.replace(/\u200b/g, "").trim())),
    // Open an operation (a POST, else a guarded one) for a second screenshot:
    // its description names the required role and its schemas render.
    detail: async (page) => {
      let target = page.locator(".opblock-post .opblock-summary-control").first();
      if (!(await target.count())) target = page.locator(".opblock:has(.authorization__btn) .opblock-summary-control").first();
      if (!(await target.count())) target = page.locator(".opblock .opblock-summary-control").first();
      await target.click();
      const body = page.locator(".opblock.is-open .opblock-body").first();
      await body.waitFor({ state: "visible" });
      await body.scrollIntoViewIfNeeded();
      await page.locator(".opblock.is-open").first().evaluate((el) => el.scrollIntoView({ block: "start" }));
    },
  })) && ok;
  ok = (await safeCheck(browser, {
    name: "redoc",
    path: `${prefix}/redoc`,
    expectedTitle: `${title} - ReDoc`,
    ready: (page) => page.locator("[data-section-id^='tag/'], [data-section-id^='operation/']").first()
      .waitFor({ state: "attached", timeout: PAGE_TIMEOUT_MS }),
    // ReDoc prints each operation's path in its endpoint box ("GET /api/items").
    listedPaths: (page) => page.evaluate(() => {
      const text = document.body.innerText;
      return [...text.matchAll(/(?:GET|POST|PUT|PATCH|DELETE)\s*\n?\s*(\/\S*)/g)].map((m) => m[1]);
    }),
  })) && ok;
} finally {
  await browser.close();
}
if (!ok) process.exit(1);
console.log("docs browser test passed");
