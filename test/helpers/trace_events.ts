import type { EventOf, TraceEvent } from '../../src/trace/model.js';

/** The events of one kind, typed. */
export const ofKind = <K extends TraceEvent['kind']>(events: readonly TraceEvent[], kind: K): EventOf<K>[] =>
  events.filter((event): event is EventOf<K> => event.kind === kind);
