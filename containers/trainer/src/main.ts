// Entry point of the trainer container: `main.ts train|rollout|evaluate --run <id> …`; `--help` lists the options.
import { runTrainerCli } from './trainer-cli';

process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';
runTrainerCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
