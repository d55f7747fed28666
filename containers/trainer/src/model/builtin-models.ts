// Where built-in models (builtin:<name>) live on disk, shared by the trainer and the demo's model builder.
import path from 'node:path';

/** Default: models/ at the repository root; SWIRL_MODELS_DIRECTORY overrides it (the container image). */
export const BUILTIN_MODELS_DIRECTORY = process.env.SWIRL_MODELS_DIRECTORY ?? path.resolve(__dirname, '../../../../models');

export const BUILTIN_PREFIX = 'builtin:';
export const TINY_POLICY_MODEL = 'tiny-policy';
/** The tiny policy's stage 1 (copy drills over its tokenizer), shipped so a rebuild can start at stage 2. */
export const TINY_POLICY_STAGE_ONE_MODEL = 'tiny-policy-stage1';

/** builtin:tiny-policy → <models>/tiny-policy; anything else → null. */
export function resolveBuiltinModel(reference: string, directory = BUILTIN_MODELS_DIRECTORY): string | null {
  if (!reference.startsWith(BUILTIN_PREFIX)) return null;
  const name = reference.slice(BUILTIN_PREFIX.length);
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) {
    throw new Error(`built-in model name ${JSON.stringify(name)} is invalid: expected lowercase letters, digits, ".", "_" and "-"`);
  }
  return path.join(directory, name);
}
