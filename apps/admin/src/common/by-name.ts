/** Orders named entities (tags, templates) by name, case-insensitive, then by id: stable on every replica. */
export function compareByName(a: { readonly id: string; readonly name: string }, b: { readonly id: string; readonly name: string }): number {
  const an = a.name.toLowerCase();
  const bn = b.name.toLowerCase();
  if (an !== bn) return an < bn ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
