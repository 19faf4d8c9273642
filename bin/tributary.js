#!/usr/bin/env node
// The `tributary` command. The project ships TypeScript sources; tsx compiles them on load
// (cached on disk), so `npm ci && npm start` needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
