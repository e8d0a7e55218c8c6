// Offline stand-in for https://jslib.k6.io/k6-utils/<version>/index.js: the helpers k6
// scripts import from it, written for rk6 (same names, arguments and results).
import exec from 'k6/execution';

export function randomIntBetween(min, max) {
  return Math.floor(Math.random() * (max - min + 1) + min);
}

export function randomItem(array) {
  return array[Math.floor(Math.random() * array.length)];
}

export function randomString(length, charset = 'abcdefghijklmnopqrstuvwxyz') {
  let out = '';
  for (let i = 0; i < length; i++) out += charset.charAt(Math.floor(Math.random() * charset.length));
  return out;
}

export function uuidv4(secure = false) {
  if (secure && globalThis.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const r = (Math.random() * 16) | 0;
    return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16);
  });
}

export function findBetween(content, left, right, repeat = false) {
  const found = [];
  let from = 0;
  for (;;) {
    const start = content.indexOf(left, from);
    if (start === -1) break;
    const begin = start + left.length;
    const end = content.indexOf(right, begin);
    if (end === -1) break;
    const match = content.substring(begin, end);
    if (!repeat) return match;
    found.push(match);
    from = end + right.length;
  }
  return repeat ? found : null;
}

export function normalDistributionStages(maxVUs, durationSeconds, numberOfStages = 10) {
  const mean = 0;
  const stdDev = 1;
  const stageDuration = Math.floor(durationSeconds / numberOfStages);
  const density = (x) => Math.exp(-0.5 * ((x - mean) / stdDev) ** 2) / (stdDev * Math.sqrt(2 * Math.PI));
  const peak = density(mean);
  const stages = [{ duration: `${Math.floor(durationSeconds / 10)}s`, target: Math.floor(maxVUs * 0.1) }];
  for (let i = 1; i <= numberOfStages; i++) {
    const x = -3 + (6 * i) / (numberOfStages + 1);
    stages.push({ duration: `${stageDuration}s`, target: Math.floor((maxVUs * density(x)) / peak) });
  }
  stages.push({ duration: `${Math.floor(durationSeconds / 10)}s`, target: 0 });
  return stages;
}

function stageIndex() {
  const stages = (exec.test.options.scenarios[exec.scenario.name] || {}).stages;
  if (!stages) throw new Error('the current scenario has no stages');
  const elapsed = Date.now() - exec.scenario.startTime;
  let end = 0;
  for (let i = 0; i < stages.length; i++) {
    const d = String(stages[i].duration);
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(d);
    const ms = m ? Number(m[1]) * { ms: 1, s: 1000, m: 60000, h: 3600000 }[m[2]] : Number(d);
    end += ms;
    if (elapsed < end) return i;
  }
  return stages.length - 1;
}

export function getCurrentStageIndex() {
  return stageIndex();
}

export function tagWithCurrentStageIndex() {
  exec.vu.tags.stage = String(stageIndex());
}

export function tagWithCurrentStageProfile() {
  const stages = exec.test.options.scenarios[exec.scenario.name].stages;
  const i = stageIndex();
  const prev = i === 0 ? 0 : stages[i - 1].target;
  const cur = stages[i].target;
  exec.vu.tags.stage_profile = cur > prev ? 'ramp-up' : cur < prev ? 'ramp-down' : 'steady';
}
