/** A LIKE/ILIKE pattern matching values that contain `text` literally (its %, _ and \ escaped). */
export const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
