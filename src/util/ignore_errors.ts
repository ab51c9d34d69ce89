/**
 * Deliberate error drops, named: `ignoreErrors(reason, fn)` runs `fn` and drops whatever it throws. For the few
 * places where a failure has nobody to be reported to and leaves nothing to undo — releasing what a lost device
 * still holds, best-effort cleanup at teardown — so each drop says why it is safe instead of hiding in an empty
 * `catch`.
 */
export function ignoreErrors(reason: string, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    dropped(reason, error);
  }
}

/** The one place dropped errors go; a breakpoint here sees every one of them. */
function dropped(_reason: string, _error: unknown): void {}
