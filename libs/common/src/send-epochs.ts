/**
 * Which version of an app performs side effects (provider sends, webhook calls) for a given record, when
 * several versions run at once (blue/green reprocessing). The CLI keeps, per application id, a list of
 * epochs in a compacted control topic; every version reads it (a global table) and performs a send only
 * when the epoch covering the send's time names its own version. Each PENDING version of a message
 * thus has exactly one sender, whatever the number of versions running.
 */
export interface SendEpoch {
  /** The app version that sends from `from` on. */
  readonly version: number;
  /** Epoch ms, compared with a pending send's time (a message's `versionOf`): at or after it, `version` sends. */
  readonly from: number;
}

/** The control topic's value for one application id (key: the application id, `<namespace>.<app>`). */
export interface SendEpochs {
  readonly epochs: readonly SendEpoch[];
}

/** Decides, for this version, whether it performs the side effect of a record whose send time is `time`. */
export interface SendGuard {
  performs(time: number): boolean;
}

/** The version that sends at `time`: the latest epoch starting at or before it; undefined without epochs. */
export function senderAt(epochs: readonly SendEpoch[], time: number): number | undefined {
  let chosen: SendEpoch | undefined;
  for (const epoch of epochs) if (epoch.from <= time && (chosen === undefined || epoch.from >= chosen.from)) chosen = epoch;
  return chosen?.version ?? epochs.reduce<SendEpoch | undefined>((first, e) => (first === undefined || e.from < first.from ? e : first), undefined)?.version;
}

/**
 * The guard of version `version` over `current()` (the control record of its application id, as a global
 * table holds it). No record: the app was never reprocessed and this version is the only one, so it sends.
 */
export function sendEpochGuard(version: number, current: () => SendEpochs | undefined, freshSince?: () => number): SendGuard {
  return {
    performs: (time) => {
      // Decide only with a view known complete past `time`: the CLI writes a hand-over before it takes effect,
      // so a version that has not read it yet waits instead of sending what the other version will send.
      if (freshSince !== undefined && freshSince() < time) return false;
      const epochs = current()?.epochs ?? [];
      return epochs.length === 0 || senderAt(epochs, time) === version;
    },
  };
}

/**
 * For a step whose output every version reads and whose skipping is final (the webhooks app derives the events
 * both versions' delivery tasks read from one topic): version `version` writes the records of the times it
 * performs, so each time is written by one version, not by both. A time its view of the control topic cannot
 * decide yet (not known complete past it) is written too: a rare duplicate rather than a loss.
 */
export function sendEpochWriter(version: number, current: () => SendEpochs | undefined, freshSince?: () => number): SendGuard {
  const decided = sendEpochGuard(version, current);
  return { performs: (time) => (freshSince !== undefined && freshSince() < time) || decided.performs(time) };
}

/** Parses and bounds a control record (JSON); undefined for anything else. */
export function parseSendEpochs(value: unknown): SendEpochs | undefined {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { epochs?: unknown }).epochs)) return undefined;
  const epochs = (value as { epochs: unknown[] }).epochs;
  if (epochs.length > 64) return undefined;
  const parsed: SendEpoch[] = [];
  for (const e of epochs) {
    if (typeof e !== 'object' || e === null) return undefined;
    const { version, from } = e as { version?: unknown; from?: unknown };
    if (!Number.isSafeInteger(version) || !Number.isSafeInteger(from)) return undefined;
    parsed.push({ version: version as number, from: from as number });
  }
  return { epochs: parsed };
}
