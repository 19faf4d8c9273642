/*
 * Runs one CLI command in-process through its commander registration and returns what it wrote
 * to stdout (errors propagate: exitOverride turns commander's exits into throws).
 */
import { vi } from 'vitest';
import { Command } from 'commander';

export async function runCommand(register: (program: Command) => void, args: readonly string[]): Promise<string> {
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
