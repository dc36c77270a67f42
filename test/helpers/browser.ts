import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { loadConfig } from "../../src/config.js";

// Browser tests drive Debian's Chromium through playwright-core (no browser download).
// Without Chromium they are skipped with a clear message; in CI (CI=true) a missing
// Chromium is an error, so CI never skips them.

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

export function chromiumPath(): string | null {
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
}

export function browserTestsAvailable(): boolean {
  if (chromiumPath()) {
    return true;
  }
  if (loadConfig().CI) {
    throw new Error(
      "CI=true but no Chromium found at /usr/bin/chromium: .ci/run must install Debian's chromium",
    );
  }
  process.stderr.write(
    "Browser tests skipped: no Chromium installed (apt-get install chromium to run them; CI always runs them).\n",
  );
  return false;
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) {
    throw new Error("Chromium is not installed");
  }
  return chromium.launch({
    executablePath,
    headless: true,
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
}
