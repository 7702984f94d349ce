/**
 * The top self-time frames of a V8 .cpuprofile (from bench/load.ts with LOAD_CPU_PROF=DIR, or any
 * `node --cpu-prof`), by function and by package/file, and the inclusive time by function, as percentages of the busy samples (idle
 * left out: the server idles while bench/load.ts loads the hello baseline).
 *
 *   npx tsx packages/server/bench/profile-top.ts DIR/CPU.….cpuprofile [rows, default 25]
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
}

const [file, rows = '25'] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-top.ts FILE.cpuprofile [rows]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const busy = profile.samples.filter((id) => byId.get(id)!.callFrame.functionName !== '(idle)');
const total = busy.length;

/** Where a frame's code lives: the package under node_modules, else the path from src/. */
const place = (url: string) => {
  if (!url) return '(native)';
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const src = /\/(src|bench)\/(.*)$/.exec(url);
  return src ? `${src[1]}/${src[2]}` : url.replace(/^file:\/\//, '');
};

const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
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
