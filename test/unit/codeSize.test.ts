/** The house bar on the size of a room, checked like any other promise: no class over 300 lines. */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..', '..', '..');
const MAX_CLASS_LINES = 300;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : full.endsWith('.ts') ? [full] : [];
  });
}

/** Top-level classes (formatted code: a class starts at column 0 and ends at the next `}` there). */
function classSizes(file: string): { name: string; lines: number }[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const found: { name: string; lines: number }[] = [];
  let open: { name: string; at: number } | undefined;
  lines.forEach((line, index) => {
    const start = /^(?:export )?(?:abstract )?class (\w+)/.exec(line);
    if (start && !open) open = { name: start[1]!, at: index };
    else if (open && line.startsWith('}')) {
      found.push({ name: open.name, lines: index - open.at + 1 });
      open = undefined;
    }
  });
  return found;
}

describe('the size of a room', () => {
  it(`no class in src/ or media/ is over ${MAX_CLASS_LINES} lines`, () => {
    const files = [...sources(join(root, 'src')), ...sources(join(root, 'media'))];
    const classes = files.flatMap((file) => classSizes(file).map((c) => ({ ...c, file: relative(root, file) })));
    assert.ok(classes.length > 20, `found ${classes.length} classes`);
    const over = classes.filter((c) => c.lines > MAX_CLASS_LINES).map((c) => `${c.file} ${c.name}: ${c.lines}`);
    assert.deepEqual(over, []);
  });
});
