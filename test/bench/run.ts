import { readdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// Runs every `*.bench.ts` beside this file (or those named on the command line) in turn.
// Each module default-exports `async () => BenchReport`; figures are printed, never asserted
// against wall-clock targets in tests.

export interface BenchReport {
  name: string;
  figures: Record<string, number | string>;
}

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = (await readdir(here))
  .filter((file) => file.endsWith(".bench.ts"))
  .filter((file) => wanted.length === 0 || wanted.includes(basename(file, ".bench.ts")))
  .sort();

if (files.length === 0) {
  console.error(`No benchmarks matched ${wanted.join(", ") || "(all)"} in ${here}`);
  process.exit(1);
}

for (const file of files) {
  const module = (await import(join(here, file))) as { default: () => Promise<BenchReport> };
  const report = await module.default();
  process.stdout.write(`\n${report.name}\n`);
  for (const [key, value] of Object.entries(report.figures)) {
    process.stdout.write(`  ${key.padEnd(36)} ${value}\n`);
  }
}
