/**
 * How JavaScript and TypeScript name an image: `import x from './x.png'`, `import('./x.png')`,
 * `require('./x.png')`. The regular expression this replaces,
 *
 *   \b(?:import\s+[\w${}\s,*]+\s+from\s+|import\s*\(\s*|require\s*\(\s*)(['"])([^'"\n]+)\1
 *
 * tried every way of splitting the space after `import` between its three overlapping runs:
 * `import` before 4 KB of blank lines took 40 s, before 10 KB five minutes. This finds the same
 * paths with each run measured once.
 */
import { isQuote, type Emit } from './linkScanners';
import { CharClass, RunEnd, SPACE, isSpace, isWord, until } from './textRuns';

const LEFT_PAREN = 40;
const IMPORT_CLAUSE = new CharClass((c) => isWord(c) || isSpace(c) || '${},*'.includes(String.fromCharCode(c)));
const QUOTED_PATH = until(`'"\n`);

/** `import x from './x.png'`, `import('./x.png')`, `require('./x.png')`. */
export function scanImports(text: string, emit: Emit): void {
  const fromClause = importFrom(text);
  const spaceBeforeParen = new RunEnd(text, SPACE);
  const spaceAfterParen = new RunEnd(text, SPACE);
  const callPathEnd = new RunEnd(text, QUOTED_PATH);
  // Two fixed words: an expression finds them in one pass with nothing to backtrack into.
  const words = /\b(?:import|require)/g;
  for (let m = words.exec(text); m; m = words.exec(text)) {
    const afterWord = m.index + m[0].length;
    const found = (m[0] === 'import' ? fromClause(afterWord) : undefined) ?? callAt(afterWord);
    if (found)
      emit(text.slice(found.start, found.stop), found.start, { span: { start: m.index, end: found.stop + 1 } });
    words.lastIndex = found ? found.stop + 1 : m.index + 1;
  }

  /** `\s*\(\s*` then a quoted path. */
  function callAt(afterWord: number): { start: number; stop: number } | undefined {
    const paren = spaceBeforeParen.at(afterWord);
    if (text.charCodeAt(paren) !== LEFT_PAREN) return undefined;
    return quotedPath(text, spaceAfterParen.at(paren + 1), callPathEnd);
  }
}

/**
 * `\s+[\w${}\s,*]+\s+from\s+` then a quoted path. The names and `from` are all in that one
 * character class, so the quote can only stand where the run of it after `import` ends; the
 * clause then has to end in space, `from`, space, with space and a name before them.
 */
function importFrom(text: string): (afterImport: number) => { start: number; stop: number } | undefined {
  const clauseEnd = new RunEnd(text, IMPORT_CLAUSE);
  const pathEnd = new RunEnd(text, QUOTED_PATH);
  // Many `import`s in one run share its end: look back from it once.
  let lastQuote = -1;
  let lastFrom = -1;
  const fromBefore = (quote: number): number => {
    if (quote !== lastQuote) {
      lastQuote = quote;
      lastFrom = fromKeywordBefore(text, quote);
    }
    return lastFrom;
  };
  return (afterImport) => {
    if (!isSpace(text.charCodeAt(afterImport))) return undefined;
    const quote = clauseEnd.at(afterImport);
    if (!isQuote(text.charCodeAt(quote)) || fromBefore(quote) < afterImport + 3) return undefined;
    return quotedPath(text, quote, pathEnd);
  };
}

/** Where `from` starts when space, `from` and space end right before `quote` (-1 otherwise). */
function fromKeywordBefore(text: string, quote: number): number {
  let end = quote;
  while (end > 0 && isSpace(text.charCodeAt(end - 1))) end--;
  const start = end - 4;
  return end < quote && start > 0 && text.startsWith('from', start) && isSpace(text.charCodeAt(start - 1)) ? start : -1;
}

/** A path between a pair of the same quotes, starting with the quote at `quote`; no line break. */
function quotedPath(text: string, quote: number, pathEnd: RunEnd): { start: number; stop: number } | undefined {
  const q = text.charCodeAt(quote);
  if (!isQuote(q)) return undefined;
  const stop = pathEnd.at(quote + 1);
  return stop > quote + 1 && text.charCodeAt(stop) === q ? { start: quote + 1, stop } : undefined;
}
