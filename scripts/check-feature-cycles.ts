// Fails when feature folders import each other in a cycle (DESIGN.md §3: features depend one way).
// A whole-project import-x/no-cycle is too slow for `npm run lint`; one pass over src/features with
// TypeScript's pre-parser takes well under a second.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const featuresDir = path.resolve(import.meta.dirname, '../src/features');

/** Edges tolerated for now, as "from -> to". Delete an entry with the change that removes the import. */
const allowedEdges = new Set<string>([]);

type Graph = Map<string, Set<string>>;

function featureGraph(): Graph {
  const graph: Graph = new Map();
  for (const feature of readdirSync(featuresDir)) {
    const edges = new Set<string>();
    const files = readdirSync(path.join(featuresDir, feature), { recursive: true, encoding: 'utf8' });
    for (const file of files.filter((name) => /\.tsx?$/.test(name) && !name.endsWith('.test.ts'))) {
      const full = path.join(featuresDir, feature, file);
      for (const { fileName } of ts.preProcessFile(readFileSync(full, 'utf8'), true, true).importedFiles) {
        if (!fileName.startsWith('.')) continue;
        const [target] = path.relative(featuresDir, path.resolve(path.dirname(full), fileName)).split(path.sep);
        if (target !== feature && target !== '..' && !allowedEdges.has(`${feature} -> ${target}`)) edges.add(target);
      }
    }
    graph.set(feature, edges);
  }
  return graph;
}

/** Tarjan's strongly connected components; every component of more than one feature is a cycle. */
function cycles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      component.push(member);
    } while (member !== node);
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

const graph = featureGraph();
const found = cycles(graph);
for (const component of found) {
  const edges = component.flatMap((from) =>
    [...graph.get(from)!].filter((to) => component.includes(to)).map((to) => `${from} -> ${to}`),
  );
  console.error(`Feature folders import each other in a cycle: ${component.join(', ')}\n  ${edges.join('\n  ')}`);
}
process.exitCode = found.length ? 1 : 0;
