#!/usr/bin/env node
// Entry of `npx swirl`: runs the TypeScript CLI through tsx without a build step.
require('tsx/cjs/api').register();
// Before the CLI's modules load, so no write, however early, meets a stream without the broken-pipe listener.
require('./exit-on-broken-pipe.ts').exitQuietlyOnBrokenPipe();
require('./main.ts').runCli().then((code) => {
  process.exitCode = code;
});
