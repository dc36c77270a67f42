import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadCorpus } from "../unit/understanding/corpus.js";
import { trainIntentModel } from "./intent-model-training.js";

// `npm run train:intents`: retrains the learned second opinion on the labeled corpus (not the
// sets in corpus/pending, which stay unseen) and writes src/understanding/lexicons/intent-model.json.
// Run it after changing the corpus; a unit test fails while the model is older than the corpus.

const target = join(
  dirname(fileURLToPath(import.meta.url)),
  "../../src/understanding/lexicons/intent-model.json",
);

if (process.argv.includes("--help")) {
  process.stdout.write(
    "Usage: npm run train:intents\n  Trains the intent model on test/unit/understanding/corpus and writes\n  src/understanding/lexicons/intent-model.json.\n",
  );
} else {
  const started = performance.now();
  const corpus = loadCorpus();
  const model = trainIntentModel(corpus.map(({ text, intent }) => ({ text, intent })));
  writeFileSync(target, `${JSON.stringify(model)}\n`);
  const seconds = ((performance.now() - started) / 1_000).toFixed(1);
  process.stdout.write(
    `Trained on ${model.trainedOn.replies} replies, ${Object.keys(model.weights).length} features, in ${seconds} s: ${target}\n`,
  );
}
