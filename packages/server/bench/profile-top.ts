/**
 * The top self-time frames of a V8 .cpuprofile (from bench/load.ts with LOAD_CPU_PROF=DIR, or any
 * `node --cpu-prof`), by function and by package/file, and the inclusive time by function, as percentages of the busy samples (idle
 * left out: the server idles while bench/load.ts loads the hello baseline).
 *
 *   npx tsx packages/server/bench/profile-top.ts DIR/CPU.….cpuprofile [rows, default 25] [during]
 *
 * `during` (a function name, e.g. renderInvoicePdf) keeps only the samples from the first to the
 * last with that function on the stack: one load of a bench run (the PDF load) out of the whole
 * process's profile. The busy time of that span is printed in ms (the sampling interval is 1 ms
 * unless --cpu-prof-interval said otherwise).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  /** Microseconds from each sample to the next. */
  timeDeltas: number[];
}

const [file, rows = '25', during] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-top.ts FILE.cpuprofile [rows] [during]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

let [first, last] = [0, profile.samples.length - 1];
if (during) {
  const hasFrame = (id: number) => {
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) if (byId.get(at)!.callFrame.functionName === during) return true;
    return false;
  };
  first = profile.samples.findIndex(hasFrame);
  last = profile.samples.findLastIndex(hasFrame);
  if (first === -1) throw new Error(`no sample has ${during} on its stack`);
}
const span = profile.samples.slice(first, last + 1);
const busy = span.filter((id) => byId.get(id)!.callFrame.functionName !== '(idle)');
const total = busy.length;
const busyMs = profile.timeDeltas.slice(first + 1, last + 2).reduce((sum, delta, index) => (byId.get(span[index]!)!.callFrame.functionName === '(idle)' ? sum : sum + delta), 0) / 1000;
if (during) console.log(`during ${during}: ${(profile.timeDeltas.slice(first + 1, last + 1).reduce((a, b) => a + b, 0) / 1000).toFixed(0)} ms, ${busyMs.toFixed(0)} ms busy`);

/** Where a frame's code lives: the package under node_modules, else the path from src/. */
const place = (url: string) => {
  if (!url) return '(native)';
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const src = /\/(src|bench)\/(.*)$/.exec(url);
  return src ? `${src[1]}/${src[2]}` : url.replace(/^file:\/\//, '');
};

const frameName = (id: number) => {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  return `${functionName || '(anonymous)'} ${place(url)}${url ? `:${lineNumber + 1}` : ''}`;
};

const frames = new Map<string, number>();
const places = new Map<string, number>();
/** Inclusive: each sample counts once for every distinct frame on its stack. */
const inclusive = new Map<string, number>();
for (const id of busy) {
  const { url } = byId.get(id)!.callFrame;
  const frame = frameName(id);
  frames.set(frame, (frames.get(frame) ?? 0) + 1);
  places.set(place(url), (places.get(place(url)) ?? 0) + 1);
  const onStack = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) onStack.add(frameName(at));
  for (const name of onStack) inclusive.set(name, (inclusive.get(name) ?? 0) + 1);
}

const print = (title: string, counts: Map<string, number>) => {
  console.log(`\n${title} (${total} busy samples)`);
  for (const [name, count] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, Number(rows))) {
    console.log(`${((count / total) * 100).toFixed(1).padStart(5)}%  ${name}`);
  }
};
print('self time by function', frames);
print('self time by package / file', places);
print('inclusive time by function (self and callees)', inclusive);
