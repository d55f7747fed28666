import { readGsm8kGoldRows, buildGoldTrajectory, corruptOneNumber, createRandom } from './support/gsm8k-gold-trajectories';
import { decomposeTrajectory } from '../core/decompose';
import { judgeStepByRule } from '../core/judges';
const rows = readGsm8kGoldRows('../shared/datasets/gsm8k/train.jsonl');
let good=0,total=0,badAns=0, cBad=0,cTot=0; const samples:string[]=[]; const csamples:string[]=[];
const random=createRandom(7);
const t0=Date.now();
for (const g of rows) { const t=buildGoldTrajectory(g,'bench');
  for (const s of decomposeTrajectory(t)) { const j=judgeStepByRule(s,t.question); total++; if (j.verdict==='GOOD') good++; else { if (s.parsedAction.type==='answer') badAns++; if (samples.length<8) samples.push(JSON.stringify([t.question.question.slice(0,150), s.action, j.rationale])); } }
  const c=corruptOneNumber(t,random,{avoidContextNumbers:true}); if (!c) continue; const steps=decomposeTrajectory(c.trajectory); const j=judgeStepByRule(steps[c.turnIndex],t.question); cTot++; if (j.verdict==='BAD') cBad++; else { const k=j.rationale.split(" ").slice(2).join(" "); (globalThis as any).cat=(globalThis as any).cat||{}; (globalThis as any).cat[k]=((globalThis as any).cat[k]||0)+1; }
}
console.log({good,total,rate:good/total,badAns,cBad,cTot,crate:cBad/cTot, ms:Date.now()-t0});
console.log(samples.join('\n')); console.log(csamples.join('\n'));
console.log((globalThis as any).cat)
