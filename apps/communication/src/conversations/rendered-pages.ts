import { JsonText } from '@platform/common';

/** How many (filters, cursor, page size) pages are kept. */
export const renderedPageCount = 32;
/** Longer filter strings are never cached (a key's size stays small). */
const maxCachedFilterLength = 1024;

interface RenderedPage {
  readonly stamp: string;
  readonly json: JsonText;
}

/**
 * Serialized `conversations.list` pages, reused while what they were built from is unchanged: the
 * conversation index's stamp on a replica that holds every partition, else the stamps of every
 * replica's part (this one's and its peers', see the lister). Agent UIs poll the same first pages; serializing a page
 * and merging its part were a quarter of such a request (profiled). A page is stored only if the
 * stamp did not move while it was built, so a reused page is exactly what a new build would give.
 */
export class RenderedPages {
  private readonly pages = new Map<string, RenderedPage>();

  static key(filters: string, cursor: string | undefined, pageSize: number): string | undefined {
    return filters.length > maxCachedFilterLength ? undefined : `${pageSize}\n${cursor ?? ''}\n${filters}`;
  }

  get(key: string, stamp: string): JsonText | undefined {
    const page = this.pages.get(key);
    return page !== undefined && page.stamp === stamp ? page.json : undefined;
  }

  put(key: string, stamp: string, body: unknown): JsonText {
    const json = new JsonText(JSON.stringify(body));
    this.pages.delete(key);
    this.pages.set(key, { stamp, json });
    if (this.pages.size > renderedPageCount) this.pages.delete(this.pages.keys().next().value!);
    return json;
  }
}
