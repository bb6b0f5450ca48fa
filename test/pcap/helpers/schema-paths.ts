// Every field path of a zod schema (`files[].checksums.layers[].ok`), to check that the JSON
// documentation names each one. Schemas in `named` are documented once as types: their paths
// stop there, and schemaPaths(schema, 'TypeName') lists the type's own fields.
import { z } from 'zod';

export function schemaPaths(schema: z.ZodTypeAny, prefix = '', named: z.ZodTypeAny[] = []): string[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return schemaPaths(schema.unwrap() as z.ZodTypeAny, prefix, named);
  if (schema instanceof z.ZodArray) return schemaPaths(schema.element as z.ZodTypeAny, `${prefix}[]`, named);
  if (schema instanceof z.ZodObject) {
    const out: string[] = [];
    for (const [k, v] of Object.entries(schema.shape as Record<string, z.ZodTypeAny>)) {
      const p = prefix ? `${prefix}.${k}` : k;
      out.push(p);
      const inner = v instanceof z.ZodOptional ? (v.unwrap() as z.ZodTypeAny) : v;
      const element = inner instanceof z.ZodArray ? (inner.element as z.ZodTypeAny) : inner;
      if (!named.includes(inner) && !named.includes(element)) out.push(...schemaPaths(v, p, named));
    }
    return out;
  }
  return [];
}
