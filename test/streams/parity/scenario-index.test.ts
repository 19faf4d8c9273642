// docs/streams-parity.md cannot drift from the tests: every row that names a Tributary test must
// point at an existing test file that contains that test name and names the Kafka method (in a
// title or a comment); rows without one must say why (missing / not expressible); and the page's
// "Totals:" line must match the table.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const page = readFileSync(join(ROOT, 'docs', 'streams-parity.md'), 'utf8');

interface Row {
  kafka: string;
  file: string;
  test: string;
  status: string;
}

/** The table rows: "| Kafka | file | test | status |" lines after the header and separator. */
function rows(): Row[] {
  return page
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| Kafka test ') && !l.startsWith('|---'))
    .map((l) => {
      const cells = l.slice(1, -1).split(' | ').map((c) => c.trim());
      if (cells.length !== 4) throw new Error(`docs/streams-parity.md: a row needs 4 cells: ${l}`);
      const [kafka, file, test, status] = cells as [string, string, string, string];
      return { kafka, file, test, status };
    });
}

const table = rows();

describe('docs/streams-parity.md', () => {
  it('has rows, each naming a Kafka test as Class.method, each once', () => {
    expect(table.length).toBeGreaterThan(0);
    for (const r of table) expect(r.kafka).toMatch(/^[A-Z][A-Za-z]+Test\.[a-zA-Z0-9_]+$/);
    expect(new Set(table.map((r) => r.kafka)).size).toBe(table.length);
  });

  it.each(table.filter((r) => r.status === 'pass'))('$kafka: "$test" exists in $file and names the Kafka method', (r) => {
    const path = join(ROOT, r.file);
    expect(existsSync(path), `${r.file} does not exist`).toBe(true);
    const text = readFileSync(path, 'utf8');
    expect(text.includes(r.test), `${r.file} has no test "${r.test}"`).toBe(true);
    const method = r.kafka.split('.')[1]!;
    expect(text.includes(method), `${r.file} does not name ${method}`).toBe(true);
  });

  it('rows that do not pass have no test and say why', () => {
    for (const r of table.filter((x) => x.status !== 'pass')) {
      expect([r.file, r.test]).toEqual(['—', '—']);
      expect(r.status).toMatch(/^(missing|not expressible): \S/);
    }
  });

  it('the Totals line matches the table', () => {
    const m = /^Totals: (\d+) scenarios listed; (\d+) pass, (\d+) missing, (\d+) not expressible\.$/m.exec(page);
    expect(m, 'no Totals line').not.toBeNull();
    const count = (prefix: string) => table.filter((r) => r.status === prefix || r.status.startsWith(`${prefix}:`)).length;
    expect(m!.slice(1).map(Number)).toEqual([table.length, count('pass'), count('missing'), count('not expressible')]);
  });
});
