#!/usr/bin/env node
// Entry of `npx swirl`: runs the TypeScript CLI through tsx without a build step.
// A reader that stops early (`swirl … | head`) closes the pipe: end quietly, as Unix tools do. Installed before
// anything else loads, so no write, however early, can meet a stream without this listener.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error && error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}
require('tsx/cjs/api').register();
require('./main.ts').runCli().then((code) => {
  process.exitCode = code;
});
