#!/usr/bin/env node
import { run } from './program';

// Ctrl-C (or SIGTERM) ends `events --follow` cleanly; other commands end by themselves.
const stop = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});

run(process.argv.slice(2), stop).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
