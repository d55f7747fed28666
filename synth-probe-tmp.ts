import { synthesizeStack } from './local/engine/synthesize';
const r = synthesizeStack({ root: '/work/main', cacheDirectory: '/tmp/synth-cache2', force: true });
console.log(r.cached, r.seconds, r.stackName, Object.keys(r.template.Resources).length);
const r2 = synthesizeStack({ root: '/work/main', cacheDirectory: '/tmp/synth-cache2' });
console.log(r2.cached, r2.seconds);
