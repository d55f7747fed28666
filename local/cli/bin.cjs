#!/usr/bin/env node
// Entry of `npx swirl`: runs the TypeScript CLI through tsx without a build step.
require('tsx/cjs/api').register();
require('./main.ts').runCli().then((code) => {
  process.exitCode = code;
});
