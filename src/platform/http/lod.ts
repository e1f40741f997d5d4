import { Type, type TObject, type TSchema } from '@sinclair/typebox';

/**
 * The established API's level of detail of list items (`lod`, default full): `stamps`
 * answers ids, versions and timestamps (what a sync needs to see what changed), `basic` the
 * main fields without the heavy ones (the contact card, contacts), `full` everything.
 */
export const Lod = Type.Union([Type.Literal('stamps'), Type.Literal('basic'), Type.Literal('full')], {
  description: 'Level of detail of each item: stamps (id, version, timestamps), basic (no contact card), full',
});
export type LodLevel = 'stamps' | 'basic' | 'full';

const STAMPS = ['id', 'version', 'created_at', 'updated_at', 'deleted_at'];

/**
 * A list item in its three shapes, full first: the serializer answers with the first shape an
 * item fits, and an item trimmed by `atLevel` fits only its own.
 */
export function lodItem<T extends TObject>(full: T, heavy: string[], name: string) {
  return Type.Union([
    full,
    withoutIds(Type.Omit(full, heavy, { title: `${name} (lod=basic)` })),
    withoutIds(Type.Pick(full, STAMPS, { title: `${name} (lod=stamps)` })),
  ]);
}

/** A copy without the `$id`s of the schemas it embeds (each may be declared only once). */
function withoutIds<S extends TSchema>(schema: S): S {
  const copy = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(copy);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string | symbol, unknown> = {};
    // Reflect.ownKeys keeps TypeBox's symbol keys (its Kind), so the copy is still a TypeBox schema.
    for (const key of Reflect.ownKeys(value))
      if (key !== '$id') out[key] = copy((value as Record<string | symbol, unknown>)[key]);
    return out;
  };
  return copy(schema) as S;
}

/** The item at the level asked; `heavy` are the fields basic leaves out. */
export function atLevel<T extends { id: string }>(
  item: T,
  lod: LodLevel | undefined,
  heavy: string[],
): Partial<T> & Pick<T, 'id'> {
  if (!lod || lod === 'full') return item;
  const keep = (key: string) => (lod === 'stamps' ? STAMPS.includes(key) : !heavy.includes(key));
  // id is a stamp: every level keeps it.
  return Object.fromEntries(Object.entries(item).filter(([key]) => keep(key))) as Partial<T> & Pick<T, 'id'>;
}
