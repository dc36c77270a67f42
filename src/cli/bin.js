#!/usr/bin/env node
// The published entry point is plain JS so `npx duetext` works without a build step;
// it registers tsx's loader and hands over to the TypeScript CLI.
import { register } from "tsx/esm/api";

register();
await import("./main.ts");
