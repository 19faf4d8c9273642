/*
 * Test helper: runs one command group's commander registration in-process (no child process,
 * no build needed) and returns what it wrote to stdout.
 */
import { Command } from 'commander';
import { vi } from 'vitest';

export async function runRegistered(register: (program: Command) => void, args: readonly string[]): Promise<string> {
  const program = new Command().exitOverride();
  register(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  try {
    await program.parseAsync(['node', 'tributary', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out;
}
