/** Runs the CLI's main() in-process and captures what it prints (console.log → stdout, console.error → stderr). */
import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

export async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => void stdout.push(String(line)));
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void stderr.push(String(line)));
  const code = await main(args);
  vi.restoreAllMocks();
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}
