/**
 * gpuhal validates with zod's mini build, which loads no locale: without one, every message zod writes itself is a
 * bare "Invalid input". Passing English messages per parse (instead of `z.config`) leaves the global zod
 * configuration of an application that also uses zod untouched, and bundles one locale, not forty.
 */
import en from 'zod/v4/locales/en.js';

/** Parse parameters: `schema.safeParse(input, englishMessages)`. */
export const englishMessages = { error: en().localeError };
