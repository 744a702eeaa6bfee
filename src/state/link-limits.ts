// One set of limits for every link, as the app writes it (permalink.ts), reads it (permalink.ts and the
// schema of view-settings.ts) and as its servers accept it (scripts/vite-link-limits-plugin.ts).
export const LINK_LIMITS = {
  /** What the query, which every server sees, may hold: far below the 16 KB of headers Node's servers accept by default. */
  queryChars: 2_000,
  /** A field longer than this goes into the fragment (#), which browsers never send to a server. */
  fieldChars: 200,
  /** The whole link's state, query and fragment together. */
  totalChars: 200_000,
} as const;
